// `svcnet server`: composes the control plane — store, watch cache, registry with per-resource
// strategies, bootstrap objects (with the cluster-info ConfigMap and a join token for machines
// that join with `svcnet agent --server --token`), the API server (with service account tokens
// signed by the data dir's sa.key, and flow control's seats) and its HTTPS listener, the
// controllers, the kubeconfig, and the audit log of mutating requests (by default audit.log in
// the data dir).

import { hostname } from "node:os";
import { mkdirSync, chmodSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { findResource } from "../api/resources.js";
import type { Service } from "../api/types.js";
import { InProcessTransport } from "../client/index.js";
import type { ControllerManagerOptions } from "../controllers/controller-manager.js";
import { runControllerManager } from "../controllers/controller-manager.js";
import { allControllers, controllerNames } from "../controllers/all-controllers.js";
import { CONTROLLER_MANAGER_USER, controllerUserAgent, mintControllerTokens, tokenOf, tokenUsers } from "../controllers/controller-identities.js";
import { ResyncLoop } from "../controllers/resync-loop.js";
import { DashboardHandler } from "../dashboard/server/dashboard-handler.js";
import { ApiServer } from "../apiserver/api-server.js";
import type { AuditLog, AuditLogSettings } from "../apiserver/audit/open-audit-log.js";
import { defaultAuditLogLimits, openAuditLog } from "../apiserver/audit/open-audit-log.js";
import { listen } from "../apiserver/http-server.js";
import { FlowControl, defaultMaxMutatingRequestsInflight, defaultMaxRequestsInflight } from "../apiserver/flowcontrol/flow-control.js";
import { trackManagedFields } from "../apiserver/managed-fields.js";
import { uuidFrom } from "../apiserver/uuid-from.js";
import type { Registry } from "../registry/registry.js";
import { buildRegistry } from "../registry/build-registry.js";
import type { ServiceAllocator } from "../registry/service-allocation.js";
import { openStore } from "./open-store.js";
import type { Store } from "../storage/store.js";
import { WatchCache } from "../storage/watch-cache.js";
import { runApiServerEndpointReconciler } from "./apiserver-endpoints/endpoint-reconciler.js";
import { bootstrapCluster, createJoinToken, ensureClusterInfo } from "./bootstrap.js";
import { caCertHash } from "../apiserver/bootstrap-token-discovery.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { ensureRbacPolicy } from "../apiserver/authorization/ensure-policy.js";
import { ensureAdminToken, ensureKubeletClientCertificate, ensureServingPki } from "./pki.js";
import { ensureServiceAccountKey } from "./service-account-key.js";
import { ServiceAccountTokens } from "../apiserver/serviceaccount/service-account-tokens.js";
import { firstServiceIP, parseServiceCidr } from "./ranges.js";

export interface ControlPlaneOptions {
  dataDir: string;
  listen: string;
  store: string;
  serviceClusterIPRange: string;
  serviceNodePortRange: string;
  advertiseAddress: string;
  /** kube-controller-manager style selection, e.g. ["*", "-deployment"]. */
  controllers: readonly string[];
  /** How long a node may go without renewing its lease before it is NotReady (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** The longest certificate csrsigning issues (--cluster-signing-duration; default a year). */
  clusterSigningDurationMs?: number;
  /** Run the controllers only while holding Lease kube-system/kube-controller-manager (--leader-elect). */
  leaderElection?: ControllerManagerOptions["leaderElection"];
  /** Create a bootstrap token for joining machines at start, valid this long (0: never expires); absent: none. */
  joinTokenTtlMs?: number;
  /** The audit log (--audit-log-*); its path defaults to <dataDir>/audit.log, "" turns it off. Absent: the defaults. */
  auditLog?: AuditLogSettings;
  /** kube-apiserver's --max-requests-inflight (default defaultMaxRequestsInflight); with the next, the flow control seats. */
  maxRequestsInflight?: number;
  /** kube-apiserver's --max-mutating-requests-inflight (default defaultMaxMutatingRequestsInflight). */
  maxMutatingRequestsInflight?: number;
  signal: AbortSignal;
}

export interface RunningControlPlane {
  address: AddressInfo;
  kubeconfigPath: string;
  url: string;
  registry: Registry;
  store: Store;
  /** `svcnet agent --server … --token … --ca-cert-hash …` for joining a machine, when a join token was made. */
  joinCommand?: string;
  /** Where audit events go (a file, or "standard output"); absent when auditing is off. */
  auditLog?: string;
  closed: Promise<void>;
}

function parseListen(s: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(s);
  if (!m) throw new Error(`--listen must be host:port, got ${JSON.stringify(s)}`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

export function parsePortRange(s: string): { base: number; size: number } {
  const m = /^(\d+)-(\d+)$/.exec(s);
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 65535) throw new Error(`--service-node-port-range must be like 30000-32767, got ${JSON.stringify(s)}`);
  return { base: Number(m[1]), size: Number(m[2]) - Number(m[1]) + 1 };
}

async function listServices(registry: Registry): Promise<Service[]> {
  const r = findResource("", "v1", "services");
  if (!r) return [];
  // A fresh, consistent read (not the watch cache): repair reads the allocation keys first and
  // the services after, so a service deleted meanwhile through another server is not resurrected.
  return (await registry.list(r, undefined, { resourceVersion: "" })).items as Service[];
}

/** Allocation repair, as kube-apiserver's repair loops: at start and every few minutes. */
function startAllocationRepair(registry: Registry, allocator: ServiceAllocator, signal: AbortSignal): void {
  const repair = new ResyncLoop(async () => void (await allocator.repair(() => listServices(registry))), {
    signal,
    minIntervalMs: 60_000,
    maxIntervalMs: 180_000,
  });
  void repair.start();
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<RunningControlPlane> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const cidr = parseServiceCidr(o.serviceClusterIPRange);
  parsePortRange(o.serviceNodePortRange);
  const { host, port } = parseListen(o.listen);

  const store = await openStore(o.store, { dataDir });
  // Everything started below stops with `signal`; a failed start stops it all and closes the store.
  const local = new AbortController();
  const signal = local.signal;
  o.signal.addEventListener("abort", () => local.abort(), { once: true });
  let audit: AuditLog | undefined;
  try {
    const auditSettings: AuditLogSettings = o.auditLog ?? defaultAuditLogLimits;
    audit = await openAuditLog({ ...auditSettings, path: auditSettings.path ?? join(dataDir, "audit.log") });
    const cache = new WatchCache(store, { prefix: "/registry/" });
    cache.start(signal);
    await cache.ready;

    const { registry, allocator } = buildRegistry({
      store,
      cache,
      serviceCIDR: o.serviceClusterIPRange,
      nodePortRange: o.serviceNodePortRange,
      fieldTracker: trackManagedFields,
    });

    startAllocationRepair(registry, allocator, signal);

    const kubernetesIP = firstServiceIP(cidr);
    let bootstrapped = false;

    const pki = ensureServingPki(dataDir, {
      dns: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
      ips: [...new Set(["127.0.0.1", kubernetesIP, o.advertiseAddress, ...(host && host !== "0.0.0.0" && host !== "::" ? [host] : [])])],
    });
    // What this server presents to node agents for logs, exec and port forwarding (RBAC: system:kubelet-api-admin).
    const kubeletClient = ensureKubeletClientCertificate(dataDir);
    const token = ensureAdminToken(dataDir);
    // Service account tokens are signed with a key kept beside the CA, so they outlive restarts.
    const serviceAccountTokens = new ServiceAccountTokens({ signingKey: ensureServiceAccountKey(dataDir) });
    // The in-server controller manager and each controller get their own identity (one
    // token each), valid for this process only. A controller without one stops the start here.
    const controllerTokens = mintControllerTokens(controllerNames());
    const api = new ApiServer({
      registry,
      tokens: new Map([
        [token, { name: "admin", groups: ["system:masters", "system:authenticated"] }],
        ...tokenUsers(controllerTokens),
      ]),
      serverAddress: `${o.advertiseAddress}:${port}`,
      ready: () => bootstrapped,
      serviceAccountTokens,
      // The dashboard at /ui/ (same credentials; its cookie only for reads).
      ui: new DashboardHandler({ registry, kubeletClient }),
      kubeletClient,
      ...(audit && { audit }),
      // API Priority and Fairness: the controllers (workload-high, leader-election) and nodes
      // (system, node-high) keep their own seats while a user floods global-default.
      flowControl: new FlowControl({
        maxRequestsInflight: o.maxRequestsInflight ?? defaultMaxRequestsInflight,
        maxMutatingRequestsInflight: o.maxMutatingRequestsInflight ?? defaultMaxMutatingRequestsInflight,
      }),
    });
    await api.start(signal);
    const { server, address } = await listen(api, { host, port, key: pki.key, cert: pki.cert, clientCA: pki.caCert, signal: signal });
    // After listen: with --listen :0 the kubernetes endpoints need the port actually bound.
    // Each server holds a Lease for its address; the kubernetes Endpoints list every live server.
    // The identity survives restarts (same host and data dir), so a restart replaces its entry.
    const identity = `${hostname()}:${dataDir}`;
    await bootstrapCluster(registry, { kubernetesServiceIP: kubernetesIP, advertiseAddress: o.advertiseAddress, advertisePort: address.port, identity });
    // The default RBAC policy (kube-apiserver's rbac/bootstrap-roles): without it nobody but system:masters may do anything.
    await ensureRbacPolicy(registry, { log: (line) => console.error(`svcnet: ${line}`) });
    // What machines joining with a token read and present (docs/joining-machines.md).
    const advertised = `https://${o.advertiseAddress.includes(":") ? `[${o.advertiseAddress}]` : o.advertiseAddress}:${address.port}`;
    await ensureClusterInfo(registry, { server: advertised, caCert: pki.caCert });
    const joinToken = o.joinTokenTtlMs === undefined ? undefined : await createJoinToken(registry, { ttlMs: o.joinTokenTtlMs, now: new Date(), description: "made by 'svcnet server' at start for joining machines" });
    const joinCommand = joinToken && `svcnet agent --server ${advertised} --token ${joinToken} --ca-cert-hash ${caCertHash(pki.caCert)}`;
    bootstrapped = true;
    const endpointsDone = runApiServerEndpointReconciler({ registry, self: { ip: o.advertiseAddress, port: address.port }, identity, signal });
    const controllersDone = runControllerManager({
      transport: new InProcessTransport(api, { token: tokenOf(controllerTokens, CONTROLLER_MANAGER_USER), userAgent: "kube-controller-manager/svcnet" }),
      controllerTransport: (id) => new InProcessTransport(api, { token: tokenOf(controllerTokens, id.name), userAgent: controllerUserAgent(id) }),
      controllers: allControllers,
      enabled: o.controllers,
      // The same server (host and data dir) comes back under the same identity, so after a crash
      // it takes its own Lease back at once instead of waiting out the lease duration.
      leaderElection: o.leaderElection && { identity: `${hostname()}_${uuidFrom(dataDir)}`, ...o.leaderElection },
      // csrsigning signs node client certificates with the CA the listener verifies them against.
      settings: { rootCACert: pki.caCert, clusterSigningCA: { cert: pki.caCert, key: pki.caKey }, ...(o.clusterSigningDurationMs && { clusterSigningDurationMs: o.clusterSigningDurationMs }), ...(o.nodeMonitorGracePeriodMs ? { nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs } : {}) },
      signal: signal,
    }).catch((e: unknown) => console.error("svcnet: controller manager stopped:", e));
    const urlHost = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    const url = `https://${urlHost}:${address.port}`;
    const kubeconfigPath = join(dataDir, "kubeconfig");
    writeKubeconfig(kubeconfigPath, { server: url, caCert: pki.caCert, token });

    const closed = new Promise<void>((resolveClosed) => {
      server.on("close", async () => {
        await controllersDone;
        // It removes this server's Lease once `signal` aborts: the store stays open until then.
        await endpointsDone;
        // After the last request (the controllers' included): what the log holds reaches the disk.
        await audit?.close();
        store.close().then(
          () => resolveClosed(),
          () => resolveClosed(),
        );
      });
    });
    return { address, kubeconfigPath, url, registry, store, closed, ...(joinCommand && { joinCommand }), ...(audit && { auditLog: audit.destination }) };
  } catch (e) {
    local.abort();
    await audit?.close();
    await store.close().catch(() => {});
    throw e;
  }
}
