// Table tests of the layer-2 election: the ranking matches SHA-256 over "<node>#<address>"
// (golden orders computed with coreutils' sha256sum), every agent agrees whatever order it lists
// the nodes in, owners spread over the nodes, and losing a non-owner never moves an address.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { electOwner, electionKey, electionOrder } from "./speaker-election.js";

const nodes = ["core-v2-01", "core-v2-02", "core-v2-03"];

describe("electionOrder", () => {
  const golden: { address: string; want: string[] }[] = [
    // printf 'core-v2-0N#172.17.8.20M' | sha256sum, sorted ascending.
    { address: "172.17.8.201", want: ["core-v2-03", "core-v2-02", "core-v2-01"] },
    { address: "172.17.8.202", want: ["core-v2-01", "core-v2-02", "core-v2-03"] },
    { address: "172.17.8.203", want: ["core-v2-03", "core-v2-02", "core-v2-01"] },
  ];
  for (const c of golden) {
    it(`ranks the nodes for ${c.address} by the digest of their key`, () => {
      assert.deepEqual(electionOrder(c.address, nodes), c.want);
    });
  }

  it("uses MetalLB's key: node name, '#', address", () => {
    assert.equal(electionKey("core-v2-01", "172.17.8.201"), "core-v2-01#172.17.8.201");
  });

  it("gives every agent the same answer whatever order it lists the nodes in", () => {
    const permutations = [nodes, [...nodes].reverse(), [nodes[1], nodes[2], nodes[0]], [nodes[2], nodes[0], nodes[1], nodes[0]]];
    for (let i = 1; i <= 50; i++) {
      const address = `172.17.8.${200 + i}`;
      const answers = new Set(permutations.map((p) => electionOrder(address, p).join(",")));
      assert.equal(answers.size, 1, address);
    }
  });

  it("drops duplicate node names", () => {
    assert.deepEqual(electionOrder("172.17.8.202", ["core-v2-02", "core-v2-01", "core-v2-02"]), ["core-v2-01", "core-v2-02"]);
  });
});

describe("electOwner", () => {
  it("spreads fifty addresses over three nodes", () => {
    const owned = new Map<string, number>();
    for (let i = 1; i <= 50; i++) {
      const owner = electOwner(`172.17.8.${200 + i}`, nodes) ?? "";
      owned.set(owner, (owned.get(owner) ?? 0) + 1);
    }
    assert.deepEqual([...owned.keys()].sort(), nodes);
    for (const [node, count] of owned) assert.ok(count >= 8, `${node} owns only ${count} of 50`);
  });

  it("moves only the addresses of a node that leaves, each to its next in rank", () => {
    for (let i = 1; i <= 50; i++) {
      const address = `172.17.8.${200 + i}`;
      const order = electionOrder(address, nodes);
      for (const gone of nodes) {
        const want = order[0] === gone ? order[1] : order[0];
        assert.equal(electOwner(address, nodes.filter((n) => n !== gone)), want, `${address} without ${gone}`);
      }
    }
  });

  const edge: { name: string; address: string; nodes: string[]; want: string | undefined }[] = [
    { name: "no eligible node: no owner", address: "172.17.8.201", nodes: [], want: undefined },
    { name: "one eligible node owns everything", address: "172.17.8.201", nodes: ["core-v2-02"], want: "core-v2-02" },
    // printf 'core-v2-0N#fd00::c8' | sha256sum: core-v2-03 has the smallest digest.
    { name: "IPv6 addresses are ranked the same way", address: "fd00::c8", nodes, want: "core-v2-03" },
  ];
  for (const c of edge) {
    it(c.name, () => assert.equal(electOwner(c.address, c.nodes), c.want));
  }
});
