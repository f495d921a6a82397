// `svcnet server`: flags, start, and a clean stop on SIGINT/SIGTERM.

import { setMaxListeners } from "node:events";
import { parseArgs } from "node:util";
import { controllerNames } from "../controllers/all-controllers.js";
import { parseControllerSelection } from "../controllers/controller-manager.js";
import { defaultLeaderElection, leaderElectionConfigError } from "../controllers/leader-election/leader-election-config.js";
import { defaultMaxMutatingRequestsInflight, defaultMaxRequestsInflight } from "../apiserver/flowcontrol/flow-control.js";
import { startControlPlane } from "../server/control-plane.js";
import { auditLogFlagDefaults, parseAuditLogFlags } from "./audit-log-flags.js";
import { parseInflightFlags } from "./inflight-flags.js";

export const serverHelp = (): string => `Run the svcnet control plane: the Kubernetes API server on an embedded or etcd store.

Usage:
  svcnet server [flags]

Flags:
  --data-dir string                    state, certificates and kubeconfig (default "./.svcnet", created 0700)
  --listen host:port                   HTTPS address (default "127.0.0.1:6443")
  --store string                       "sqlite" (default) or "etcd://host:port[,host:port]"
  --service-cluster-ip-range cidr      ClusterIP range (default "10.0.0.0/24")
  --service-node-port-range a-b        NodePort range (default "30000-32767")
  --advertise-address ip               address the kubernetes service's endpoints point at (default "172.17.8.101")
  --controllers list                   controllers to run: "*" for all, "-name" to turn one off (default "*");
                                       names: ${controllerNames().join(", ")}
  --node-monitor-grace-period duration how long a node may go without renewing its lease before it
                                       is NotReady and its pods leave the endpoints (default "40s")
  --cluster-signing-duration d         the longest client certificate csrsigning issues, e.g. to joining
                                       nodes (default "8760h", a year)
  --leader-elect bool                  run the controllers only while holding Lease kube-system/kube-controller-manager,
                                       so that of several servers on one etcd exactly one acts (default true)
  --leader-elect-lease-duration d      how long the others wait before taking over a silent leader's Lease (default "15s")
  --leader-elect-renew-deadline d      how long the leader tries to renew before it stops its controllers (default "10s")
  --leader-elect-retry-period d        the longest gap between attempts to acquire or renew (default "2s")
  --join-token-ttl d                   make a join token at start, valid this long, and print the
                                       'svcnet agent --server … --token …' line that joins another machine
                                       (default "24h"; "0": never expires; "none": make no token)
  --audit-log-path string              log each mutating request (who, what, when, response code; refused ones too)
                                       as an audit.k8s.io/v1 Event, one JSON line each (default "<data-dir>/audit.log";
                                       "-": standard output; "": no audit log)
  --audit-log-maxsize int              megabytes the log grows to before it is renamed audit-<time>.log
                                       and a new one begun (default ${auditLogFlagDefaults.maxsize})
  --audit-log-maxbackup int            renamed logs kept, the newest (default ${auditLogFlagDefaults.maxbackup}; 0: all)
  --audit-log-maxage int               days a renamed log is kept, by the time in its name (default ${auditLogFlagDefaults.maxage}: no limit)
  --max-requests-inflight n            with the next, how many requests execute at once; the seats are shared
                                       among priority levels (API Priority and Fairness), each queueing fairly
                                       between its users and answering 429 when its queues are full;
                                       watches, logs, exec and port-forward take no seat (default ${defaultMaxRequestsInflight})
  --max-mutating-requests-inflight n   added to --max-requests-inflight (default ${defaultMaxMutatingRequestsInflight})`;

/** --leader-elect* flag values → leader election settings, or a one-line error with the fix. */
export function parseLeaderElectionFlags(f: { elect: string; lease: string; renew: string; retry: string }):
  | { ok: true; value: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number } | undefined }
  | { ok: false; error: string } {
  if (f.elect !== "true" && f.elect !== "false") return { ok: false, error: `--leader-elect must be true or false, got ${JSON.stringify(f.elect)}` };
  const named = [
    ["--leader-elect-lease-duration", f.lease],
    ["--leader-elect-renew-deadline", f.renew],
    ["--leader-elect-retry-period", f.retry],
  ] as const;
  const ms: number[] = [];
  for (const [flag, text] of named) {
    const v = parseDuration(text);
    if (v === undefined || v <= 0) return { ok: false, error: `${flag} must be a positive duration like "15s" or "500ms", got ${JSON.stringify(text)}` };
    ms.push(v);
  }
  const value = { leaseDurationMs: ms[0], renewDeadlineMs: ms[1], retryPeriodMs: ms[2] };
  const why = leaderElectionConfigError(value);
  if (why) return { ok: false, error: `--leader-elect-*: ${why} (lease ${f.lease}, renew deadline ${f.renew}, retry period ${f.retry})` };
  return { ok: true, value: f.elect === "true" ? value : undefined };
}

const seconds = (ms: number): string => `${ms / 1000}s`;

/** --join-token-ttl → ms (0: never expires), null for "none", or a one-line error. */
export function parseJoinTokenTtl(text: string): { ok: true; ttlMs: number | null } | { ok: false; error: string } {
  if (text === "none") return { ok: true, ttlMs: null };
  const ms = text === "0" ? 0 : parseDuration(text);
  if (ms === undefined || (ms > 0 && ms < 1000)) return { ok: false, error: `--join-token-ttl must be a duration like "24h" or "30m", "0" (never expires) or "none" (no token), got ${JSON.stringify(text)}` };
  return { ok: true, ttlMs: ms };
}

/** Go-style durations as Kubernetes flags take them: "500ms", "40s", "2m", "1h30m". */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  return text !== "" && matched === text.length ? total : undefined;
}

export interface RunServerHooks {
  /** What `--help` prints instead of the server's own text (for `svcnet up`). */
  help?: () => string;
  /** Extra flags this command takes (for `svcnet up`: --nodes), with their defaults. */
  extraFlags?: Record<string, { type: "string"; default: string }>;
  /**
   * Runs once the control plane serves; `flags` holds the extra flags' values. What it starts
   * stops on `signal`, which aborts before the control plane's (so that node agents can still
   * tell the API they are going); the control plane waits for `stopped`, at most
   * workloadStopGraceMs, before it stops too.
   */
  afterStart?: (
    cp: { kubeconfigPath: string; address: { port: number }; advertiseAddress: string },
    o: { flags: Record<string, string>; signal: AbortSignal },
  ) => Promise<{ stopped: Promise<unknown> } | void>;
}

/** How long Ctrl-C waits for what afterStart started to stop before the control plane stops. */
const workloadStopGraceMs = 10_000;

export async function runServer(argv: string[], hooks: RunServerHooks = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "data-dir": { type: "string", default: "./.svcnet" },
        listen: { type: "string", default: "127.0.0.1:6443" },
        store: { type: "string", default: "sqlite" },
        "service-cluster-ip-range": { type: "string", default: "10.0.0.0/24" },
        "service-node-port-range": { type: "string", default: "30000-32767" },
        "advertise-address": { type: "string", default: "172.17.8.101" },
        controllers: { type: "string", default: "*" },
        "node-monitor-grace-period": { type: "string", default: "40s" },
        "cluster-signing-duration": { type: "string", default: "8760h" },
        "leader-elect": { type: "string", default: "true" },
        "leader-elect-lease-duration": { type: "string", default: seconds(defaultLeaderElection.leaseDurationMs) },
        "leader-elect-renew-deadline": { type: "string", default: seconds(defaultLeaderElection.renewDeadlineMs) },
        "leader-elect-retry-period": { type: "string", default: seconds(defaultLeaderElection.retryPeriodMs) },
        "join-token-ttl": { type: "string", default: "24h" },
        "audit-log-path": { type: "string" },
        "audit-log-maxsize": { type: "string", default: auditLogFlagDefaults.maxsize },
        "audit-log-maxbackup": { type: "string", default: auditLogFlagDefaults.maxbackup },
        "audit-log-maxage": { type: "string", default: auditLogFlagDefaults.maxage },
        "max-requests-inflight": { type: "string", default: String(defaultMaxRequestsInflight) },
        "max-mutating-requests-inflight": { type: "string", default: String(defaultMaxMutatingRequestsInflight) },
        help: { type: "boolean", short: "h", default: false },
        ...hooks.extraFlags,
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet server --help' for usage.`);
    return 1;
  }
  if (values.help) {
    console.log(hooks.help?.() ?? serverHelp());
    return 0;
  }
  let controllers: string[];
  try {
    controllers = parseControllerSelection(values.controllers, controllerNames());
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const grace = parseDuration(values["node-monitor-grace-period"]);
  if (grace === undefined || grace < 1000) {
    console.error(`error: --node-monitor-grace-period must be a duration of at least 1s like "40s" or "2m", got ${JSON.stringify(values["node-monitor-grace-period"])}`);
    return 1;
  }
  const signingDuration = parseDuration(values["cluster-signing-duration"]);
  // Kubernetes' floor for what a request may ask (expirationSeconds ≥ 600).
  if (signingDuration === undefined || signingDuration < 600_000) {
    console.error(`error: --cluster-signing-duration must be a duration of at least 10m like "8760h" or "720h", got ${JSON.stringify(values["cluster-signing-duration"])}`);
    return 1;
  }
  const election = parseLeaderElectionFlags({
    elect: values["leader-elect"],
    lease: values["leader-elect-lease-duration"],
    renew: values["leader-elect-renew-deadline"],
    retry: values["leader-elect-retry-period"],
  });
  if (!election.ok) {
    console.error(`error: ${election.error}`);
    return 1;
  }
  const joinTtl = parseJoinTokenTtl(values["join-token-ttl"]);
  if (!joinTtl.ok) {
    console.error(`error: ${joinTtl.error}`);
    return 1;
  }
  const auditLog = parseAuditLogFlags({
    path: values["audit-log-path"],
    maxsize: values["audit-log-maxsize"],
    maxbackup: values["audit-log-maxbackup"],
    maxage: values["audit-log-maxage"],
  });
  if (!auditLog.ok) {
    console.error(`error: ${auditLog.error}`);
    return 1;
  }
  const inflight = parseInflightFlags({ reads: values["max-requests-inflight"], mutating: values["max-mutating-requests-inflight"] });
  if (!inflight.ok) {
    console.error(`error: ${inflight.error}`);
    return 1;
  }
  const stop = new AbortController();
  // The control plane (listener, caches, controllers) stops on this signal, and what afterStart
  // starts (node agents) on `workloads`, first: Ctrl-C lets the agents release what they hold
  // through the API before it goes.
  const workloads = new AbortController();
  setMaxListeners(0, stop.signal);
  setMaxListeners(0, workloads.signal);
  let workloadsStopped: Promise<unknown> = Promise.resolve();
  const shutDown = (): void => {
    workloads.abort();
    const grace = new Promise((r) => setTimeout(r, workloadStopGraceMs).unref());
    void Promise.race([workloadsStopped.catch(() => {}), grace]).then(() => stop.abort());
  };
  process.once("SIGINT", shutDown);
  process.once("SIGTERM", shutDown);
  stop.signal.addEventListener("abort", () => workloads.abort(), { once: true });
  try {
    const cp = await startControlPlane({
      dataDir: values["data-dir"],
      listen: values.listen,
      store: values.store,
      serviceClusterIPRange: values["service-cluster-ip-range"],
      serviceNodePortRange: values["service-node-port-range"],
      advertiseAddress: values["advertise-address"],
      controllers,
      nodeMonitorGracePeriodMs: grace,
      clusterSigningDurationMs: signingDuration,
      leaderElection: election.value,
      ...(joinTtl.ttlMs !== null && { joinTokenTtlMs: joinTtl.ttlMs }),
      auditLog: auditLog.value,
      ...inflight.value,
      signal: stop.signal,
    });
    console.log(`svcnet server listening on ${cp.url}`);
    console.log(`kubeconfig: ${cp.kubeconfigPath}   (export KUBECONFIG=${cp.kubeconfigPath})`);
    if (cp.joinCommand) console.log(`join a node: ${cp.joinCommand}`);
    if (cp.auditLog) console.log(`audit log: ${cp.auditLog}`);
    const extra = Object.fromEntries(Object.keys(hooks.extraFlags ?? {}).map((k) => [k, String((values as Record<string, unknown>)[k])]));
    const started = await hooks.afterStart?.({ ...cp, advertiseAddress: values["advertise-address"] }, { flags: extra, signal: workloads.signal });
    if (started) workloadsStopped = started.stopped;
    await cp.closed;
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    stop.abort();
    return 1;
  }
}
