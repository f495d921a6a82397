import assert from "node:assert/strict";
import { test } from "node:test";
import { kubeletEndpointAnnotation, kubeletServingCertHashAnnotation, loopbackAgentOf, servingCertHash } from "./node-annotations.js";

const hash = servingCertHash(Buffer.from("a certificate"));
const node = (annotations: Record<string, string>) => ({ metadata: { annotations } });

test("servingCertHash names a certificate sha256:<hex> of its DER bytes", () => {
  assert.match(hash, /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(servingCertHash(Buffer.from("another")), hash);
});

test("loopbackAgentOf: where the API server may reach a node's agent", async (t) => {
  const cases: { name: string; annotations: Record<string, string>; want: ReturnType<typeof loopbackAgentOf> }[] = [
    { name: "https on loopback with a hash", annotations: { [kubeletEndpointAnnotation]: "https://127.0.0.1:4321", [kubeletServingCertHashAnnotation]: hash }, want: { endpoint: "https://127.0.0.1:4321", servingCertHash: hash } },
    { name: "no hash: an older agent", annotations: { [kubeletEndpointAnnotation]: "https://127.0.0.1:4321" }, want: undefined },
    { name: "a malformed hash", annotations: { [kubeletEndpointAnnotation]: "https://127.0.0.1:4321", [kubeletServingCertHashAnnotation]: "AB:CD" }, want: undefined },
    { name: "plain http (an agent with a bearer token)", annotations: { [kubeletEndpointAnnotation]: "http://127.0.0.1:4321", [kubeletServingCertHashAnnotation]: hash }, want: undefined },
    { name: "not on loopback", annotations: { [kubeletEndpointAnnotation]: "https://172.17.8.101:10250", [kubeletServingCertHashAnnotation]: hash }, want: undefined },
    { name: "nothing published (a simulated node)", annotations: {}, want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(loopbackAgentOf(node(c.annotations)), c.want));
});
