import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import { deepCopy, deepFreeze } from "../json.js";
import type { Pod } from "../types.js";
import { defaultPod } from "../defaults/pod.js";
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from "./pod.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

function makePod(name: string, edit: (p: Pod) => void = () => {}): Pod {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "nginx" } },
    spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] },
  };
  edit(pod);
  defaultPod(pod);
  return pod;
}

const label1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test("bad pods are rejected with Kubernetes' exact message", async (t) => {
  const cases: { name: string; pod: Pod; want: string }[] = [
    { name: "valid", pod: makePod("nginx"), want: "" },
    { name: "no containers", pod: makePod("p", (p) => (p.spec.containers = [])), want: "spec.containers: Required value" },
    { name: "container without image", pod: makePod("p", (p) => delete p.spec.containers[0].image), want: "spec.containers[0].image: Required value" },
    {
      name: "container name not a label",
      pod: makePod("p", (p) => (p.spec.containers[0].name = "Web_1")),
      want: `spec.containers[0].name: Invalid value: "Web_1": ${label1123}`,
    },
    {
      name: "duplicate container names",
      pod: makePod("p", (p) => p.spec.containers.push({ name: "nginx", image: "busybox" })),
      want: `spec.containers[1].name: Duplicate value: "nginx"`,
    },
    {
      name: "container port out of range",
      pod: makePod("p", (p) => (p.spec.containers[0].ports = [{ containerPort: 70000 }])),
      want: "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    },
    {
      name: "container port missing",
      pod: makePod("p", (p) => (p.spec.containers[0].ports = [{ containerPort: 0 }])),
      want: "spec.containers[0].ports[0].containerPort: Required value",
    },
    {
      name: "bad port name",
      pod: makePod("p", (p) => (p.spec.containers[0].ports = [{ name: "HTTP", containerPort: 80 }])),
      want:
        `[spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), ` +
        `spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)]`,
    },
    {
      name: "env var with =",
      pod: makePod("p", (p) => (p.spec.containers[0].env = [{ name: "A=B", value: "1" }])),
      want: `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    },
    {
      name: "unsupported restart policy",
      pod: makePod("p", (p) => (p.spec.restartPolicy = "Sometimes" as "Always")),
      want: `spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
    },
    {
      name: "unsupported dns policy",
      pod: makePod("p", (p) => (p.spec.dnsPolicy = "Cluster")),
      want: `spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`,
    },
    {
      name: "image with whitespace",
      pod: makePod("p", (p) => (p.spec.containers[0].image = " nginx")),
      want: `spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace`,
    },
    {
      name: "host port conflict",
      pod: makePod("p", (p) => {
        p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }];
        p.spec.containers.push({ name: "b", image: "busybox", ports: [{ containerPort: 81, hostPort: 8080 }] });
      }),
      want: `spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"`,
    },
    {
      name: "mount of an unknown volume",
      pod: makePod("p", (p) => (p.spec.containers[0].volumeMounts = [{ name: "data", mountPath: "/data" }])),
      want: `spec.containers[0].volumeMounts[0].name: Not found: "data"`,
    },
    {
      name: "bad nodeName",
      pod: makePod("p", (p) => (p.spec.nodeName = "Node_1")),
      want:
        `spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
    {
      name: "ephemeral containers on create",
      pod: makePod("p", (p) => (p.spec.ephemeralContainers = [{ name: "debug", image: "busybox" }])),
      want: "spec.ephemeralContainers: Forbidden: cannot be set on create",
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(validatePod(c.pod)), c.want));
});

test("pod updates may only change images and a few fields", async (t) => {
  const old = deepFreeze(makePod("nginx", (p) => (p.metadata = { ...p.metadata, uid: "u", creationTimestamp: "2025-01-01T00:00:00Z" })));
  const head =
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`," +
    "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n";
  const cases: { name: string; edit: (p: Pod) => void; want: string; prefix?: boolean }[] = [
    { name: "image change", edit: (p) => (p.spec.containers[0].image = "nginx:1.27"), want: "" },
    { name: "label change", edit: (p) => (p.metadata.labels = { app: "other" }), want: "" },
    { name: "adding a toleration", edit: (p) => (p.spec.tolerations = [{ key: "k", operator: "Exists" }]), want: "" },
    { name: "port change", edit: (p) => (p.spec.containers[0].ports = [{ containerPort: 81, protocol: "TCP" }]), want: head, prefix: true },
    {
      name: "adding a container",
      edit: (p) => p.spec.containers.push({ name: "b", image: "busybox", imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" }),
      want: "spec.containers: Forbidden: pod updates may not add or remove containers",
    },
    { name: "removing the image", edit: (p) => (p.spec.containers[0].image = ""), want: "spec.containers[0].image: Required value", prefix: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const next = deepCopy(old) as Pod;
      c.edit(next);
      const got = msg(validatePodUpdate(next, old));
      if (c.prefix) assert.ok(got.replace(/^\[/, "").startsWith(c.want), got);
      else assert.equal(got, c.want);
    });
  }
});

test("pod status writes", async (t) => {
  const old = deepFreeze(makePod("nginx"));
  const cases: { name: string; status: Pod["status"]; want: string }[] = [
    { name: "running with IPs", status: { phase: "Running", podIP: "10.1.13.5", podIPs: [{ ip: "10.1.13.5" }], hostIP: "172.17.8.101", hostIPs: [{ ip: "172.17.8.101" }] }, want: "" },
    { name: "bad pod IP", status: { podIPs: [{ ip: "10.1.13" }] }, want: `status.podIPs[0]: Invalid value: "10.1.13": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` },
    { name: "hostIPs[0] not hostIP", status: { hostIP: "172.17.8.101", hostIPs: [{ ip: "172.17.8.102" }] }, want: `status.hostIPs[0].ip: Invalid value: "172.17.8.102": must be equal to \`hostIP\`` },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const next = deepCopy(old) as Pod;
      next.status = c.status;
      assert.equal(msg(validatePodStatusUpdate(next, old)), c.want);
    });
  }
});
