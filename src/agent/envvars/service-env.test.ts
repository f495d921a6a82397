import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serviceEnv, serviceVars } from "./service-env.js";
import { lines, makeService } from "./fixtures.js";

const kubernetes = makeService("default", "kubernetes", "10.0.0.1", [{ name: "https", port: 443, protocol: "TCP" }]);
const nginx = makeService("default", "nginx-service", "10.0.0.252", [{ name: "http", port: 8000, protocol: "TCP" }]);
const headless = makeService("default", "nginx-headless", "None", [{ name: "http", port: 8000 }]);
const extName = makeService("default", "my-db", "", [], (s) => {
  s.spec.type = "ExternalName";
  s.spec.externalName = "db.example.com";
});
const noIP = makeService("default", "no-ip", "", [{ port: 80 }], (s) => delete s.spec.clusterIP);
const kubeDns = makeService("kube-system", "kube-dns", "10.0.0.10", [
  { name: "dns", port: 53, protocol: "UDP" },
  { name: "dns-tcp", port: 53, protocol: "TCP" },
]);

const KUBERNETES_VARS = lines(`
KUBERNETES_SERVICE_HOST=10.0.0.1
KUBERNETES_SERVICE_PORT=443
KUBERNETES_SERVICE_PORT_HTTPS=443
KUBERNETES_PORT=tcp://10.0.0.1:443
KUBERNETES_PORT_443_TCP=tcp://10.0.0.1:443
KUBERNETES_PORT_443_TCP_PROTO=tcp
KUBERNETES_PORT_443_TCP_PORT=443
KUBERNETES_PORT_443_TCP_ADDR=10.0.0.1
`);

describe("serviceVars (reference §6.3 worked examples, verbatim)", () => {
  const cases = [
    {
      name: "unnamed single port",
      svc: makeService("default", "nginx-service", "10.0.0.252", [{ port: 8000, protocol: "TCP" }]),
      want: `
NGINX_SERVICE_SERVICE_HOST=10.0.0.252
NGINX_SERVICE_SERVICE_PORT=8000
NGINX_SERVICE_PORT=tcp://10.0.0.252:8000
NGINX_SERVICE_PORT_8000_TCP=tcp://10.0.0.252:8000
NGINX_SERVICE_PORT_8000_TCP_PROTO=tcp
NGINX_SERVICE_PORT_8000_TCP_PORT=8000
NGINX_SERVICE_PORT_8000_TCP_ADDR=10.0.0.252`,
    },
    {
      name: "two named ports, TCP and UDP",
      svc: makeService("default", "nginx-service", "10.0.0.252", [
        { name: "http", port: 8000, protocol: "TCP" },
        { name: "stats-udp", port: 8125, protocol: "UDP" },
      ]),
      want: `
NGINX_SERVICE_SERVICE_HOST=10.0.0.252
NGINX_SERVICE_SERVICE_PORT=8000
NGINX_SERVICE_SERVICE_PORT_HTTP=8000
NGINX_SERVICE_SERVICE_PORT_STATS_UDP=8125
NGINX_SERVICE_PORT=tcp://10.0.0.252:8000
NGINX_SERVICE_PORT_8000_TCP=tcp://10.0.0.252:8000
NGINX_SERVICE_PORT_8000_TCP_PROTO=tcp
NGINX_SERVICE_PORT_8000_TCP_PORT=8000
NGINX_SERVICE_PORT_8000_TCP_ADDR=10.0.0.252
NGINX_SERVICE_PORT_8125_UDP=udp://10.0.0.252:8125
NGINX_SERVICE_PORT_8125_UDP_PROTO=udp
NGINX_SERVICE_PORT_8125_UDP_PORT=8125
NGINX_SERVICE_PORT_8125_UDP_ADDR=10.0.0.252`,
    },
    {
      name: "IPv6 is bracketed in URLs only",
      svc: makeService("default", "nginx-v6", "2001:db8::fc", [{ name: "http", port: 80, protocol: "TCP" }]),
      want: `
NGINX_V6_SERVICE_HOST=2001:db8::fc
NGINX_V6_SERVICE_PORT=80
NGINX_V6_SERVICE_PORT_HTTP=80
NGINX_V6_PORT=tcp://[2001:db8::fc]:80
NGINX_V6_PORT_80_TCP=tcp://[2001:db8::fc]:80
NGINX_V6_PORT_80_TCP_PROTO=tcp
NGINX_V6_PORT_80_TCP_PORT=80
NGINX_V6_PORT_80_TCP_ADDR=2001:db8::fc`,
    },
    {
      name: "dual-stack exposes only the primary clusterIP",
      svc: makeService("default", "dual", "2001:db8::88", [{ port: 80 }], (s) => {
        s.spec.clusterIPs = ["2001:db8::88", "10.0.0.88"];
        s.spec.ipFamilies = ["IPv6", "IPv4"];
      }),
      want: `
DUAL_SERVICE_HOST=2001:db8::88
DUAL_SERVICE_PORT=80
DUAL_PORT=tcp://[2001:db8::88]:80
DUAL_PORT_80_TCP=tcp://[2001:db8::88]:80
DUAL_PORT_80_TCP_PROTO=tcp
DUAL_PORT_80_TCP_PORT=80
DUAL_PORT_80_TCP_ADDR=2001:db8::88`,
    },
    {
      name: "missing protocol defaults to TCP; SCTP lower-cased in values",
      svc: makeService("default", "s", "10.0.0.5", [{ port: 1 }, { name: "x", port: 2, protocol: "SCTP" }]),
      want: `
S_SERVICE_HOST=10.0.0.5
S_SERVICE_PORT=1
S_SERVICE_PORT_X=2
S_PORT=tcp://10.0.0.5:1
S_PORT_1_TCP=tcp://10.0.0.5:1
S_PORT_1_TCP_PROTO=tcp
S_PORT_1_TCP_PORT=1
S_PORT_1_TCP_ADDR=10.0.0.5
S_PORT_2_SCTP=sctp://10.0.0.5:2
S_PORT_2_SCTP_PROTO=sctp
S_PORT_2_SCTP_PORT=2
S_PORT_2_SCTP_ADDR=10.0.0.5`,
    },
    {
      name: "NodePort uses clusterIP and port, never nodePort",
      svc: makeService("default", "np", "10.0.0.9", [{ port: 80, nodePort: 30080 }], (s) => (s.spec.type = "NodePort")),
      want: `
NP_SERVICE_HOST=10.0.0.9
NP_SERVICE_PORT=80
NP_PORT=tcp://10.0.0.9:80
NP_PORT_80_TCP=tcp://10.0.0.9:80
NP_PORT_80_TCP_PROTO=tcp
NP_PORT_80_TCP_PORT=80
NP_PORT_80_TCP_ADDR=10.0.0.9`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(serviceVars(c.svc), lines(c.want)));
  }

  it("kube-dns: first port UDP gives _PORT udp://, both groups present", () => {
    const got = new Map(serviceVars(kubeDns).map((v) => [v.name, v.value]));
    assert.equal(got.get("KUBE_DNS_SERVICE_PORT_DNS"), "53");
    assert.equal(got.get("KUBE_DNS_SERVICE_PORT_DNS_TCP"), "53");
    assert.equal(got.get("KUBE_DNS_PORT"), "udp://10.0.0.10:53");
    assert.equal(got.get("KUBE_DNS_PORT_53_UDP_PROTO"), "udp");
    assert.equal(got.get("KUBE_DNS_PORT_53_TCP"), "tcp://10.0.0.10:53");
    assert.equal(got.size, 2 + 2 + 1 + 4 * 2);
  });

  const none = [
    { name: "headless (None)", svc: headless },
    { name: "ExternalName (empty clusterIP)", svc: extName },
    { name: "clusterIP unset", svc: noIP },
    { name: "no ports", svc: makeService("default", "np", "10.0.0.3", []) },
  ];
  for (const c of none) it(`${c.name} produces nothing`, () => assert.deepEqual(serviceVars(c.svc), []));
});

describe("serviceEnv (reference §6.1 / §6.4)", () => {
  const stagingK8s = makeService("staging", "kubernetes", "10.0.0.99", [{ name: "https", port: 443 }]);
  const stagingWeb = makeService("staging", "web", "10.0.0.50", [{ port: 80 }]);
  const cases = [
    {
      name: "default pod, links on: kubernetes + nginx-service only (headless/ExternalName absent)",
      services: [nginx, headless, extName, kubernetes],
      opts: { namespace: "default", enableServiceLinks: true },
      want: [...KUBERNETES_VARS, ...serviceVars(nginx)],
    },
    {
      name: "links undefined behaves as true (API default)",
      services: [nginx, kubernetes],
      opts: { namespace: "default" },
      want: [...KUBERNETES_VARS, ...serviceVars(nginx)],
    },
    {
      name: "links off: only the 8 KUBERNETES_* variables",
      services: [nginx, headless, extName, kubernetes],
      opts: { namespace: "default", enableServiceLinks: false },
      want: KUBERNETES_VARS,
    },
    {
      name: "pod in staging never sees default's services",
      services: [kubernetes, nginx, kubeDns],
      opts: { namespace: "staging", enableServiceLinks: true },
      want: KUBERNETES_VARS,
    },
    {
      name: "kube-system pod sees kube-dns and kubernetes, in name order",
      services: [kubeDns, kubernetes],
      opts: { namespace: "kube-system" },
      want: [...serviceVars(kubeDns), ...KUBERNETES_VARS],
    },
    {
      name: "own-namespace kubernetes service replaces default's when links are on",
      services: [kubernetes, stagingK8s, stagingWeb],
      opts: { namespace: "staging", enableServiceLinks: true },
      want: [...serviceVars(stagingK8s), ...serviceVars(stagingWeb)],
    },
    {
      name: "own-namespace kubernetes service replaces default's regardless of list order",
      services: [stagingK8s, kubernetes],
      opts: { namespace: "staging" },
      want: serviceVars(stagingK8s),
    },
    {
      name: "links off: default's kubernetes is used even if the namespace has its own",
      services: [stagingK8s, kubernetes, stagingWeb],
      opts: { namespace: "staging", enableServiceLinks: false },
      want: KUBERNETES_VARS,
    },
    {
      name: "no services at all",
      services: [],
      opts: { namespace: "default" },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(serviceEnv(c.services, c.opts), c.want));
  }

  it("name collision: first service in name order wins (nginx beats nginx-service)", () => {
    const plain = makeService("default", "nginx", "10.0.0.20", [{ port: 8000 }]);
    for (const order of [
      [plain, nginx],
      [nginx, plain],
    ]) {
      const env = serviceEnv(order, { namespace: "default" });
      const names = env.map((v) => v.name);
      assert.equal(new Set(names).size, names.length, "no duplicate names");
      assert.equal(env.find((v) => v.name === "NGINX_SERVICE_PORT")?.value, "8000");
      assert.equal(env.find((v) => v.name === "NGINX_SERVICE_SERVICE_HOST")?.value, "10.0.0.252");
    }
  });
});
