import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServicePort } from "../../api/types.js";
import { findPort } from "./find-port.js";
import { makePod } from "./test-fixtures.js";

test("findPort", async (t) => {
  const pod = makePod("default", "web", (p) => {
    p.spec.containers = [
      { name: "app", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "dns", containerPort: 5353, protocol: "UDP" }] },
      { name: "metrics", ports: [{ name: "metrics", containerPort: 9100 }] },
    ];
    p.spec.initContainers = [
      { name: "proxy", restartPolicy: "Always", ports: [{ name: "proxy", containerPort: 15001 }] },
      { name: "setup", ports: [{ name: "setup", containerPort: 7000 }] },
    ];
  });
  const cases: { name: string; port: ServicePort; want: number | undefined }[] = [
    { name: "numeric targetPort is used as is", port: { port: 80, targetPort: 8080 }, want: 8080 },
    { name: "unset targetPort means the service port", port: { port: 80 }, want: 80 },
    { name: "named port found by name and protocol", port: { port: 80, targetPort: "http", protocol: "TCP" }, want: 8080 },
    { name: "named port protocol defaults to TCP on both sides", port: { port: 80, targetPort: "metrics" }, want: 9100 },
    { name: "named port with another protocol is not a match", port: { port: 53, targetPort: "dns", protocol: "TCP" }, want: undefined },
    { name: "UDP named port", port: { port: 53, targetPort: "dns", protocol: "UDP" }, want: 5353 },
    { name: "missing named port", port: { port: 80, targetPort: "https" }, want: undefined },
    { name: "sidecar init container port", port: { port: 15001, targetPort: "proxy" }, want: 15001 },
    { name: "ordinary init container port is ignored", port: { port: 7000, targetPort: "setup" }, want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(findPort(pod, c.port), c.want));
});
