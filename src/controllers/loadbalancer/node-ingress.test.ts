import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EndpointSlice, Node } from "../../api/types.js";
import { LABEL_EXCLUDE_FROM_EXTERNAL_LB, nodeIngress } from "./node-ingress.js";
import { makeNode, makeSlice } from "./test-fixtures.js";

describe("nodeIngress", () => {
  const n1 = makeNode("core-v2-01", ["172.17.8.101", "fd00:8::101"]);
  const n2 = makeNode("core-v2-02", ["172.17.8.102"]);
  const n3 = makeNode("core-v2-03", ["172.17.8.9"]);
  const cases: { name: string; nodes: Node[]; families?: ("IPv4" | "IPv6")[]; local?: boolean; slices?: EndpointSlice[]; want: string[] | RegExp }[] = [
    { name: "Ready nodes' InternalIPs, numerically sorted", nodes: [n2, n3, n1], want: ["172.17.8.9", "172.17.8.101", "172.17.8.102"] },
    { name: "a NotReady node is left out", nodes: [n1, makeNode("core-v2-02", ["172.17.8.102"], { ready: false })], want: ["172.17.8.101"] },
    {
      name: "an excluded node is left out",
      nodes: [n1, makeNode("core-v2-02", ["172.17.8.102"], { labels: { [LABEL_EXCLUDE_FROM_EXTERNAL_LB]: "" } })],
      want: ["172.17.8.101"],
    },
    { name: "the service's families only", nodes: [n1, n2], families: ["IPv6"], want: ["fd00:8::101"] },
    { name: "dual-stack: by family order", nodes: [n1, n2], families: ["IPv6", "IPv4"], want: ["fd00:8::101", "172.17.8.101", "172.17.8.102"] },
    {
      name: "Local: nodes with a ready endpoint only (unset readiness counts as ready)",
      nodes: [n1, n2, n3],
      local: true,
      slices: [makeSlice("default", "svc", [["core-v2-02", true], ["core-v2-03", undefined], ["core-v2-01", false]])],
      want: ["172.17.8.9", "172.17.8.102"],
    },
    { name: "no nodes", nodes: [], want: /no Ready node without the label node.kubernetes.io\/exclude-from-external-load-balancers has an IPv4 InternalIP/ },
    {
      name: "Local without ready endpoints",
      nodes: [n1, n2],
      local: true,
      slices: [makeSlice("default", "svc", [["core-v2-01", false]])],
      want: /a ready endpoint of the service \(externalTrafficPolicy: Local\); wait for a ready pod/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = nodeIngress({ families: c.families ?? ["IPv4"], local: c.local ?? false, nodes: c.nodes, slices: c.slices ?? [] });
      if (c.want instanceof RegExp) {
        assert.equal(got.ok, false);
        if (!got.ok) assert.match(got.message, c.want);
      } else {
        assert.deepEqual(got, { ok: true, ips: c.want });
      }
    });
  }
});
