// Who announces a LoadBalancer address in layer-2 mode, decided the way MetalLB's speakers do it:
// without talking to each other. Every eligible node is ranked by the SHA-256 of
// `<node name>#<address>` (the digests compared as bytes) and the first one owns the address.
// Every agent that sees the same eligible nodes computes the same owner, and different addresses
// spread over the nodes. Pure.

import { createHash } from "node:crypto";

/** The election key of `node` for `address` (MetalLB's: the node name, "#", the address text). */
export function electionKey(node: string, address: string): string {
  return `${node}#${address}`;
}

/**
 * `nodes` ranked for `address`, owner first. Duplicates are dropped. `address` must be in its
 * canonical text form (as formatIP prints it), or agents given different spellings disagree.
 */
export function electionOrder(address: string, nodes: Iterable<string>): string[] {
  const ranked = [...new Set(nodes)].map((node) => ({ node, digest: createHash("sha256").update(electionKey(node, address)).digest() }));
  ranked.sort((a, b) => Buffer.compare(a.digest, b.digest));
  return ranked.map((r) => r.node);
}

/** The node that owns `address` among `nodes`, or undefined when there is none. */
export function electOwner(address: string, nodes: Iterable<string>): string | undefined {
  return electionOrder(address, nodes)[0];
}
