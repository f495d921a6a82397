import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage } from "../field-errors.js";
import { deepCopy, deepFreeze } from "../json.js";
import type { Service, ServiceSpec } from "../types.js";
import { defaultService } from "../defaults/service.js";
import { prepareServiceForCreate, prepareServiceForUpdate } from "../defaults/service-update.js";
import { validateService, validateServiceStatus, validateServiceUpdate } from "./service.js";

/** A Service as a client would send it (before defaults). */
function makeService(ns: string, name: string, edit: (s: Service) => void = () => {}): Service {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns },
    spec: { selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 80 }] },
  };
  edit(svc);
  return svc;
}

/** Defaults and create preparation, as the API server runs them before validation. */
function admitted(svc: Service, families?: ("IPv4" | "IPv6")[]): Service {
  const out = deepCopy(svc);
  defaultService(out, { ipFamilies: families });
  prepareServiceForCreate(out);
  return out;
}

/** As stored after allocation: clusterIP 10.0.0.5 and, for node-port types, node ports. */
function stored(svc: Service): Service {
  const out = admitted(svc);
  out.metadata = { ...out.metadata, uid: "u-1", resourceVersion: "7", creationTimestamp: "2025-01-01T00:00:00Z" };
  if (out.spec.type !== "ExternalName" && out.spec.clusterIP !== "None") {
    out.spec.clusterIP = "10.0.0.5";
    out.spec.clusterIPs = ["10.0.0.5"];
  }
  if (out.spec.type === "NodePort" || out.spec.type === "LoadBalancer") {
    out.spec.ports?.forEach((p, i) => (p.nodePort = 30080 + i));
  }
  if (out.spec.type === "LoadBalancer" && out.spec.externalTrafficPolicy === "Local") out.spec.healthCheckNodePort = 32000;
  return deepFreeze(out);
}

const spec = (s: Service): ServiceSpec => s.spec;

const dns1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const dns1123Label =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1123Subdomain =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test("bad services are rejected with Kubernetes' exact message", async (t) => {
  const cases: { name: string; svc: Service; families?: ("IPv4" | "IPv6")[]; want: string }[] = [
    {
      name: "port above range",
      svc: makeService("default", "bad-svc", (s) => (spec(s).ports = [{ port: 70000, targetPort: 80 }])),
      want: "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
    },
    {
      name: "port above range with defaulted targetPort",
      svc: makeService("default", "bad-svc", (s) => (spec(s).ports = [{ port: 70000 }])),
      want:
        "[spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, " +
        "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]",
    },
    {
      name: "port zero",
      svc: makeService("default", "bad-svc", (s) => (spec(s).ports = [{ port: 0, targetPort: 80 }])),
      want: "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
    },
    { name: "no ports", svc: makeService("default", "svc", (s) => delete spec(s).ports), want: "spec.ports: Required value" },
    {
      name: "name with capitals and underscore",
      svc: makeService("default", "My_Svc"),
      want: `metadata.name: Invalid value: "My_Svc": ${dns1035}`,
    },
    { name: "name starting with a digit", svc: makeService("default", "1svc"), want: `metadata.name: Invalid value: "1svc": ${dns1035}` },
    {
      name: "name too long",
      svc: makeService("default", "a".repeat(64)),
      want: `metadata.name: Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`,
    },
    { name: "missing name", svc: makeService("default", ""), want: "metadata.name: Required value: name or generateName is required" },
    { name: "missing namespace", svc: makeService("", "svc"), want: "metadata.namespace: Required value" },
    {
      name: "two unnamed ports",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ port: 80 }, { port: 443 }])),
      want: "[spec.ports[0].name: Required value, spec.ports[1].name: Required value]",
    },
    {
      name: "duplicate port names",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ name: "http", port: 80 }, { name: "http", port: 8080 }])),
      want: `spec.ports[1].name: Duplicate value: "http"`,
    },
    {
      name: "duplicate port and protocol",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ name: "a", port: 80 }, { name: "b", port: 80, targetPort: 81 }])),
      want: `spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
    },
    {
      name: "unsupported protocol",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ port: 80, protocol: "ICMP" as "TCP" }])),
      want: `spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`,
    },
    {
      name: "target port out of range",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ port: 80, targetPort: 70000 }])),
      want: "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    },
    {
      name: "named target port with consecutive hyphens",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ port: 80, targetPort: "http--web" }])),
      want: `spec.ports[0].targetPort: Invalid value: "http--web": must not contain consecutive hyphens`,
    },
    {
      name: "port name not a DNS label",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ name: "Http", port: 80 }])),
      want: `spec.ports[0].name: Invalid value: "Http": ${dns1123Label}`,
    },
    {
      name: "port name with dots",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ name: "web.http", port: 80 }])),
      want: `spec.ports[0].name: Invalid value: "web.http": must not contain dots`,
    },
    {
      name: "nodePort on a ClusterIP service",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ port: 80, nodePort: 30080 }])),
      want: "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    },
    {
      name: "duplicate node ports",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "NodePort";
        spec(s).ports = [{ name: "a", port: 80, nodePort: 30080 }, { name: "b", port: 81, nodePort: 30080 }];
      }),
      want: "spec.ports[1].nodePort: Duplicate value: 30080",
    },
    {
      name: "unsupported session affinity",
      svc: makeService("default", "svc", (s) => (spec(s).sessionAffinity = "Sticky" as "None")),
      want: `spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"`,
    },
    {
      name: "ClientIP timeout zero",
      svc: makeService("default", "svc", (s) => {
        spec(s).sessionAffinity = "ClientIP";
        spec(s).sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } };
      }),
      want: "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400",
    },
    {
      name: "ExternalName without externalName",
      svc: makeService("default", "svc", (s) => (spec(s).type = "ExternalName")),
      want: "spec.externalName: Required value",
    },
    {
      name: "ExternalName not a DNS subdomain",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "ExternalName";
        spec(s).externalName = "Foo_bar.com";
      }),
      want: `spec.externalName: Invalid value: "Foo_bar.com": ${dns1123Subdomain}`,
    },
    {
      name: "ExternalName with a clusterIP",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "ExternalName";
        spec(s).externalName = "example.com";
        spec(s).clusterIP = "10.0.0.9";
      }),
      want: "spec.clusterIPs: Forbidden: may not be set for ExternalName services",
    },
    {
      name: "headless NodePort",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "NodePort";
        spec(s).clusterIP = "None";
      }),
      want: `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
    },
    {
      name: "clusterIP not an IP",
      svc: makeService("default", "svc", (s) => (spec(s).clusterIP = "10.0.0.300")),
      want: `spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
    },
    {
      name: "None not alone in clusterIPs",
      svc: makeService("default", "svc", (s) => {
        spec(s).clusterIP = "None";
        spec(s).clusterIPs = ["None", "10.0.0.1"];
      }),
      want: `spec.clusterIPs: Invalid value: []string{"None", "10.0.0.1"}: 'None' must be the first and only value`,
    },
    {
      name: "clusterIPs not matching clusterIP",
      svc: makeService("default", "svc", (s) => {
        spec(s).clusterIP = "10.0.0.7";
        spec(s).clusterIPs = ["10.0.0.8"];
      }),
      want: `spec.clusterIPs: Invalid value: []string{"10.0.0.8"}: first value must match \`clusterIP\``,
    },
    {
      name: "loopback external IP",
      svc: makeService("default", "svc", (s) => (spec(s).externalIPs = ["127.0.0.1"])),
      want: `spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
    },
    {
      name: "external IP not an IP",
      svc: makeService("default", "svc", (s) => (spec(s).externalIPs = ["abc"])),
      want: `spec.externalIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
    },
    {
      name: "unsupported type",
      svc: makeService("default", "svc", (s) => (spec(s).type = "Foo" as "ClusterIP")),
      want: `spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
    },
    {
      name: "externalTrafficPolicy on a ClusterIP service",
      svc: makeService("default", "svc", (s) => (spec(s).externalTrafficPolicy = "Local")),
      want: `spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services`,
    },
    {
      name: "unsupported externalTrafficPolicy",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "NodePort";
        spec(s).externalTrafficPolicy = "Global" as "Local";
      }),
      want: `spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"`,
    },
    {
      name: "healthCheckNodePort without LoadBalancer+Local",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "NodePort";
        spec(s).healthCheckNodePort = 30000;
      }),
      want: "spec.healthCheckNodePort: Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    },
    {
      name: "source ranges on a ClusterIP service",
      svc: makeService("default", "svc", (s) => (spec(s).loadBalancerSourceRanges = ["10.0.0.0/8"])),
      want: "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
    },
    {
      name: "bad source range",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "LoadBalancer";
        spec(s).loadBalancerSourceRanges = ["10.0.0.0/33"];
      }),
      want: `spec.LoadBalancerSourceRanges: Invalid value: "[10.0.0.0/33]": must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 `,
    },
    {
      name: "bad selector value",
      svc: makeService("default", "svc", (s) => (spec(s).selector = { app: "a b" })),
      want:
        `spec.selector: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', ` +
        "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    },
    {
      name: "loadBalancerClass on a ClusterIP service",
      svc: makeService("default", "svc", (s) => (spec(s).loadBalancerClass = "example.com/lb")),
      want: "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
    },
    {
      name: "unsupported internalTrafficPolicy",
      svc: makeService("default", "svc", (s) => (spec(s).internalTrafficPolicy = "Nope" as "Local")),
      want: `spec.internalTrafficPolicy: Unsupported value: "Nope": supported values: "Cluster", "Local"`,
    },
    {
      name: "RequireDualStack on a single-stack cluster",
      svc: makeService("default", "svc", (s) => (spec(s).ipFamilyPolicy = "RequireDualStack")),
      want: `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services`,
    },
    {
      name: "IPv6 clusterIP on an IPv4 cluster",
      svc: makeService("default", "svc", (s) => (spec(s).clusterIP = "fd00::10")),
      want: `spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster`,
    },
    {
      name: "allocateLoadBalancerNodePorts on a NodePort service",
      svc: makeService("default", "svc", (s) => {
        spec(s).type = "NodePort";
        spec(s).allocateLoadBalancerNodePorts = false;
      }),
      want: "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
    },
    {
      name: "appProtocol with two slashes",
      svc: makeService("default", "svc", (s) => (spec(s).ports = [{ port: 80, appProtocol: "a/b/c" }])),
      want:
        `spec.ports[0].appProtocol: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', ` +
        "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    },
    {
      name: "unsupported trafficDistribution",
      svc: makeService("default", "svc", (s) => (spec(s).trafficDistribution = "Anywhere")),
      want: `spec.trafficDistribution: Unsupported value: "Anywhere": supported values: "PreferClose"`,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const errs = validateService(admitted(c.svc, c.families));
      assert.equal(aggregateMessage(errs), c.want);
    });
  }
});

test("good services pass", async (t) => {
  const cases: { name: string; svc: Service; families?: ("IPv4" | "IPv6")[] }[] = [
    { name: "the seed's nginx-service", svc: makeService("default", "nginx-service") },
    {
      name: "NodePort with named ports and a chosen nodePort",
      svc: makeService("default", "web", (s) => {
        spec(s).type = "NodePort";
        spec(s).ports = [{ name: "http", port: 80, targetPort: "http", nodePort: 30802 }, { name: "dns", port: 53, protocol: "UDP" }];
      }),
    },
    { name: "headless without ports", svc: makeService("default", "db", (s) => ((spec(s).clusterIP = "None"), delete spec(s).ports)) },
    {
      name: "ExternalName with trailing dot",
      svc: makeService("default", "ext", (s) => ((spec(s).type = "ExternalName"), (spec(s).externalName = "example.com."))),
    },
    { name: "LoadBalancer", svc: makeService("default", "lb", (s) => (spec(s).type = "LoadBalancer")) },
    { name: "same port number on TCP and UDP", svc: makeService("default", "dns", (s) => (spec(s).ports = [{ name: "a", port: 53 }, { name: "b", port: 53, protocol: "UDP" }])) },
    { name: "PreferDualStack on a dual-stack cluster", svc: makeService("default", "ds", (s) => (spec(s).ipFamilyPolicy = "PreferDualStack")), families: ["IPv4", "IPv6"] },
    { name: "ClientIP affinity with defaulted timeout", svc: makeService("default", "sticky", (s) => (spec(s).sessionAffinity = "ClientIP")) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(validateService(admitted(c.svc, c.families), { ipFamilies: c.families }), []));
  }
});

test("service updates follow Kubernetes' rules", async (t) => {
  const base = stored(makeService("default", "nginx-service"));
  const cases: { name: string; old: Service; edit: (s: Service) => void; want: string }[] = [
    {
      name: "clusterIP may not change",
      old: base,
      edit: (s) => (spec(s).clusterIP = "10.0.0.6"),
      want: `spec.clusterIPs[0]: Invalid value: []string{"10.0.0.6"}: may not change once set`,
    },
    { name: "uid is immutable", old: base, edit: (s) => (s.metadata.uid = "other"), want: `metadata.uid: Invalid value: "other": field is immutable` },
    { name: "ClusterIP to ExternalName drops the cluster IP", old: base, edit: (s) => ((spec(s).type = "ExternalName"), (spec(s).externalName = "example.com")), want: "" },
    {
      name: "clusterIP omitted by the client is carried over",
      old: base,
      edit: (s) => (delete spec(s).clusterIP, delete spec(s).clusterIPs),
      want: "",
    },
    {
      name: "NodePort back to ClusterIP drops node ports",
      old: stored(makeService("default", "np", (s) => (spec(s).type = "NodePort"))),
      edit: (s) => (spec(s).type = "ClusterIP"),
      want: "",
    },
    {
      name: "healthCheckNodePort is immutable while needed",
      old: stored(makeService("default", "lb", (s) => ((spec(s).type = "LoadBalancer"), (spec(s).externalTrafficPolicy = "Local")))),
      edit: (s) => (spec(s).healthCheckNodePort = 32001),
      want: "spec.healthCheckNodePort: Forbidden: field is immutable",
    },
    {
      name: "loadBalancerClass may not change",
      old: stored(makeService("default", "lb", (s) => ((spec(s).type = "LoadBalancer"), (spec(s).loadBalancerClass = "example.com/a")))),
      edit: (s) => (spec(s).loadBalancerClass = "example.com/b"),
      want: `spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set`,
    },
    {
      name: "an emptied clusterIP is patched back from the stored object",
      old: base,
      edit: (s) => ((spec(s).clusterIP = ""), (spec(s).clusterIPs = [])),
      want: "",
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const next = deepCopy(c.old) as Service;
      c.edit(next);
      defaultService(next);
      prepareServiceForUpdate(next, c.old);
      assert.equal(aggregateMessage(validateServiceUpdate(next, c.old)), c.want === "" ? aggregateMessage([]) : c.want);
    });
  }
});

test("the update preparation clears and carries exactly what Kubernetes does", () => {
  const old = stored(makeService("default", "np", (s) => (spec(s).type = "NodePort")));
  const toExternal = deepCopy(old) as Service;
  spec(toExternal).type = "ExternalName";
  spec(toExternal).externalName = "example.com";
  defaultService(toExternal);
  prepareServiceForUpdate(toExternal, old);
  assert.equal(spec(toExternal).clusterIP, undefined);
  assert.equal(spec(toExternal).clusterIPs, undefined);
  assert.equal(spec(toExternal).ipFamilies, undefined);
  assert.equal(spec(toExternal).ipFamilyPolicy, undefined);
  assert.equal(spec(toExternal).externalTrafficPolicy, undefined);
  assert.equal(spec(toExternal).ports?.[0].nodePort, undefined);

  const reapplied = deepCopy(old) as Service;
  delete spec(reapplied).clusterIP;
  delete spec(reapplied).clusterIPs;
  delete spec(reapplied).ports?.[0].nodePort;
  defaultService(reapplied);
  prepareServiceForUpdate(reapplied, old);
  assert.equal(spec(reapplied).clusterIP, "10.0.0.5");
  assert.deepEqual(spec(reapplied).clusterIPs, ["10.0.0.5"]);
  assert.equal(spec(reapplied).ports?.[0].nodePort, 30080);
});

test("service status writes", async (t) => {
  const lb = stored(makeService("default", "lb", (s) => (spec(s).type = "LoadBalancer")));
  const cip = stored(makeService("default", "svc"));
  const cases: { name: string; old: Service; status: Service["status"]; want: string }[] = [
    { name: "ingress IP on a LoadBalancer", old: lb, status: { loadBalancer: { ingress: [{ ip: "203.0.113.1" }] } }, want: "" },
    {
      name: "ingress on a ClusterIP service",
      old: cip,
      status: { loadBalancer: { ingress: [{ ip: "203.0.113.1" }] } },
      want: "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    },
    {
      name: "hostname that is an IP",
      old: lb,
      status: { loadBalancer: { ingress: [{ hostname: "1.2.3.4" }] } },
      want: `status.loadBalancer.ingress[0].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address`,
    },
    {
      name: "ipMode without ip",
      old: lb,
      status: { loadBalancer: { ingress: [{ hostname: "lb.example.com", ipMode: "VIP" }] } },
      want: "status.loadBalancer.ingress[0].ipMode: Forbidden: may not be specified when `ip` is not set",
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const next = deepCopy(c.old) as Service;
      next.status = c.status;
      const errs = validateServiceStatus(next, c.old);
      assert.equal(errs.length === 0 ? "" : aggregateMessage(errs), c.want);
    });
  }
});

test("validation never mutates and never throws on odd shapes", () => {
  const odd = deepFreeze({ metadata: { name: "x", namespace: "default" }, spec: { ports: "nope", selector: 3, type: 7 } }) as unknown as Service;
  assert.doesNotThrow(() => validateService(odd));
});
