// The faults of issue 8, injected into a running `svcnet up --store etcd` through its control
// socket, each with its restore: an API server crashes (kill -9) and comes back; one freezes
// (SIGSTOP: it keeps its connections and answers nothing) and thaws; one etcd member
// crashes; two of three crash (quorum lost); every control-plane process crashes; a node drops
// off the network. Shared by the chaos test and the fault benchmark.

import type { SandboxControlClient } from "../../../src/sandbox/control/sandbox-control-client.js";
import { mulberry32 } from "../../../src/allocators/random.js";
import { sleep } from "./wait-for.js";

export const FAULTS = ["apiserver-crash", "apiserver-freeze", "etcd-member-crash", "etcd-quorum-loss", "control-plane-down", "node-loss"] as const;
export type FaultName = (typeof FAULTS)[number];

/** Faults that leave the data plane alone: service traffic must not notice them. */
export const CONTROL_PLANE_FAULTS: readonly FaultName[] = ["apiserver-crash", "apiserver-freeze", "etcd-member-crash", "etcd-quorum-loss", "control-plane-down"];

/** One fault as it happened. */
export interface FaultRecord {
  name: FaultName;
  /** What was hit, e.g. "cp-2" or "etcd-1, etcd-3". */
  victims: string[];
  injectedAt: number;
  restoredAt: number;
  /** When every part was running and ready again. */
  healedAt: number;
}

export interface FaultTargets {
  control: SandboxControlClient;
  /** Nodes that may be lost (not the one the probes start from). */
  losableNodes: readonly string[];
  random: () => number;
  /** How long each fault lasts before its restore (ms); defaults below. */
  holdMs?: Partial<Record<FaultName, number>>;
  /** For node-loss: resolves when the cluster has dealt with the loss (its pods replaced); bounded by the caller. */
  whileNodeLost?: (node: string) => Promise<void>;
  log?: (line: string) => void;
}

const DEFAULT_HOLD_MS: Record<FaultName, number> = {
  "apiserver-crash": 3000,
  "apiserver-freeze": 6000,
  "etcd-member-crash": 5000,
  "etcd-quorum-loss": 6000,
  "control-plane-down": 6000,
  "node-loss": 0,
};

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length) % items.length];

/** Injects `name`, holds it, restores it and waits (up to 90 s) until every part is ready again. */
export async function runFault(name: FaultName, t: FaultTargets): Promise<FaultRecord> {
  const parts = await t.control.parts();
  const servers = parts.filter((p) => p.kind === "apiserver").map((p) => p.name);
  const members = parts.filter((p) => p.kind === "etcd").map((p) => p.name);
  const hold = t.holdMs?.[name] ?? DEFAULT_HOLD_MS[name];
  let victims: string[];
  switch (name) {
    case "apiserver-crash":
    case "apiserver-freeze":
      victims = [pick(servers, t.random)];
      break;
    case "etcd-member-crash":
      victims = [pick(members, t.random)];
      break;
    case "etcd-quorum-loss": {
      const spared = pick(members, t.random);
      victims = members.filter((m) => m !== spared).slice(0, Math.floor(members.length / 2) + 1);
      break;
    }
    case "control-plane-down":
      victims = [...servers, ...members];
      break;
    case "node-loss":
      victims = [pick(t.losableNodes, t.random)];
      break;
  }
  t.log?.(`fault ${name}: ${victims.join(", ")}`);
  const injectedAt = Date.now();
  await Promise.all(victims.map((v) => t.control.stop(v, name === "apiserver-freeze" ? "SIGSTOP" : "SIGKILL")));
  if (name === "node-loss" && t.whileNodeLost) await t.whileNodeLost(victims[0]);
  await sleep(hold);
  const restoredAt = Date.now();
  // etcd before the servers (they need a quorum to start), the servers one by one.
  const order = [...victims.filter((v) => members.includes(v)), ...victims.filter((v) => !members.includes(v))];
  const etcdVictims = order.filter((v) => members.includes(v));
  await Promise.all(etcdVictims.map((v) => t.control.start(v)));
  for (const v of order.filter((x) => !members.includes(x))) await t.control.start(v);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const now = await t.control.parts();
    if (now.every((p) => p.running && p.ready)) break;
    if (Date.now() > deadline) throw new Error(`after ${name}, parts not ready within 90 s: ${now.filter((p) => !p.ready).map((p) => p.name).join(", ")}`);
    await sleep(200);
  }
  const healedAt = Date.now();
  t.log?.(`fault ${name}: restored ${restoredAt - injectedAt} ms after injection, all parts ready ${healedAt - restoredAt} ms later`);
  return { name, victims, injectedAt, restoredAt, healedAt };
}

/** A small seeded generator (mulberry32), so a failing order can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** The items in an order drawn from `random` (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
