// The etcd cluster of the sandbox's control plane as data: one member per control-plane machine,
// its URLs, data dir and the exact argv of the Debian `etcd` 3.4 binary. Pure: no I/O.
//
// Each member listens for clients on its underlay address (what `svcnet server` replicas use) and
// on 127.0.0.1 inside its own namespace (what health checks and etcdctl inside it use), and for
// peers on its underlay address only. Plain HTTP: every packet stays inside the sandbox.

import type { ControlPlaneMachinePlan, ControlPlanePlan } from "./control-plane-plan.js";

/** Options of planEtcdCluster; every field has a default. */
export interface EtcdClusterPlanOptions {
  /** Directory holding every member's data dir (`<dataRoot>/etcd-<i>`); required. */
  dataRoot: string;
  /** The etcd binary; default /usr/bin/etcd (Debian package etcd-server). */
  binary?: string;
  /** Client port on every address; default 2379. */
  clientPort?: number;
  /** Peer port on the underlay address; default 2380. */
  peerPort?: number;
  /**
   * Raft heartbeat in ms; default 50. The underlay is a bridge with sub-millisecond round trips,
   * but the machine's few cores are shared, so this leaves room for scheduling delays.
   */
  heartbeatMs?: number;
  /** Election timeout in ms; default 500 (10 heartbeats, as etcd's tuning guide advises). */
  electionTimeoutMs?: number;
}

/** One member. */
export interface EtcdMemberPlan {
  /** Member name, e.g. `etcd-1`. */
  name: string;
  /** The machine (namespace) it runs in. */
  machine: ControlPlaneMachinePlan;
  /** Its client URL on the underlay, e.g. http://172.17.8.11:2379. */
  clientUrl: string;
  /** Its client URL on 127.0.0.1, reachable only inside `machine.netns`. */
  localClientUrl: string;
  /** Its peer URL on the underlay, e.g. http://172.17.8.11:2380. */
  peerUrl: string;
  dataDir: string;
  /** The etcd binary followed by its flags; run it inside `machine.netns` (see inNetns). */
  argv: string[];
}

/** The whole cluster. */
export interface EtcdClusterPlan {
  /** `--initial-cluster-token`: `svcnet-<id>`, so members of two sandboxes never join up. */
  token: string;
  /** `--initial-cluster`: `etcd-1=http://172.17.8.11:2380,…`. */
  initialCluster: string;
  /** Every member's underlay client URL, in member order. */
  clientUrls: string[];
  /** What `svcnet server --store` takes: `etcd://172.17.8.11:2379,172.17.8.12:2379,…`. */
  storeSpec: string;
  members: EtcdMemberPlan[];
}

/**
 * Snapshot after this many applied entries (etcd 3.4 defaults to 100 000): a sandbox's members
 * keep a short log, so a restarted member replays little and a lagging one catches up quickly.
 */
const SNAPSHOT_COUNT = 10_000;
/** Backend quota: 2 GiB, etcd's own default, written down so a later etcd cannot change it. */
const QUOTA_BACKEND_BYTES = 2 * 1024 * 1024 * 1024;

/** Plans one etcd member per machine of `controlPlane`. */
export function planEtcdCluster(controlPlane: ControlPlanePlan, options: EtcdClusterPlanOptions): EtcdClusterPlan {
  const binary = options.binary ?? "/usr/bin/etcd";
  const clientPort = options.clientPort ?? 2379;
  const peerPort = options.peerPort ?? 2380;
  const heartbeatMs = options.heartbeatMs ?? 50;
  const electionTimeoutMs = options.electionTimeoutMs ?? 500;
  const dataRoot = options.dataRoot.replace(/\/+$/, "");
  const token = `svcnet-${controlPlane.id}`;
  const named = controlPlane.machines.map((machine) => ({
    machine,
    name: `etcd-${machine.index}`,
    clientUrl: `http://${machine.ip}:${clientPort}`,
    localClientUrl: `http://127.0.0.1:${clientPort}`,
    peerUrl: `http://${machine.ip}:${peerPort}`,
    dataDir: `${dataRoot}/etcd-${machine.index}`,
  }));
  const initialCluster = named.map((m) => `${m.name}=${m.peerUrl}`).join(",");
  const members = named.map(
    (m): EtcdMemberPlan => ({
      ...m,
      argv: [
        binary,
        `--name=${m.name}`,
        `--data-dir=${m.dataDir}`,
        `--listen-client-urls=${m.clientUrl},${m.localClientUrl}`,
        `--advertise-client-urls=${m.clientUrl}`,
        `--listen-peer-urls=${m.peerUrl}`,
        `--initial-advertise-peer-urls=${m.peerUrl}`,
        `--initial-cluster=${initialCluster}`,
        // Read only on the first start; a restart with a data dir follows its write-ahead log.
        "--initial-cluster-state=new",
        `--initial-cluster-token=${token}`,
        `--heartbeat-interval=${heartbeatMs}`,
        `--election-timeout=${electionTimeoutMs}`,
        // A member coming back must not depose a healthy leader with a higher term.
        "--pre-vote=true",
        `--snapshot-count=${SNAPSHOT_COUNT}`,
        `--quota-backend-bytes=${QUOTA_BACKEND_BYTES}`,
        // No --auto-compaction: svcnet's store compacts etcd itself (storage/auto-compactor.ts).
        "--logger=zap",
        "--log-level=warn",
        "--log-outputs=stderr",
      ],
    }),
  );
  return {
    token,
    initialCluster,
    clientUrls: members.map((m) => m.clientUrl),
    storeSpec: `etcd://${members.map((m) => `${m.machine.ip}:${clientPort}`).join(",")}`,
    members,
  };
}

/** The argv that runs `argv` inside namespace `netns`: `ip netns exec <netns> …` (ip execs it, no fork). */
export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ["ip", "netns", "exec", netns, ...argv];
}
