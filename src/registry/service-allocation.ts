// ClusterIP and NodePort allocation for Services, backed by the Store so that several API
// servers sharing one etcd never hand out the same value and nothing is lost on restart.
//
// Each taken value is its own key, whose value names the owning service:
//   /registry/svcnet.io/clusterips/10.0.0.252   {"namespace":"default","name":"nginx","uid":"…"}
//   /registry/svcnet.io/nodeports/30802
// A node port number is taken once for the whole cluster whatever its protocol; inside one
// service, ports with different protocols may share it (53/TCP and 53/UDP on 30053).
//
// Contract for callers (the service registry):
// - Call allocateForCreate / allocateForUpdate after defaulting and before writing the
//   service; they fill in the allocated values (mutating the service) and throw ApiError
//   (422 Invalid for refused requests, 500 for a full range) with Kubernetes' messages.
// - If the write then fails, call the returned rollback; on success of an update, call commit
//   (it releases what the update gave up). Create has nothing to commit.
// - Set metadata.uid before allocating: keys name their owner by uid when there is one.
// - Run repair(listServices) at startup and periodically, with a function that lists all
//   services consistently (see repair).

import { prepareServiceForUpdate } from "../api/defaults/service-update.js";
import { fieldErrors, path } from "../api/field-errors.js";
import type { FieldError } from "../api/field-errors.js";
import { ApiError } from "../api/errors.js";
import type { Service } from "../api/types.js";
import { initIPFamilies } from "../allocators/ip-families.js";
import { ServiceIPRange } from "../allocators/ip-range.js";
import { PortRange } from "../allocators/port-range.js";
import type { RandomInt } from "../allocators/random.js";
import type { RepairAction } from "../allocators/repair-plan.js";
import { planRepair } from "../allocators/repair-plan.js";
import type { Holdings } from "../allocators/service-holdings.js";
import {
  clusterIPNone,
  heldResources,
  needsClusterIP,
  needsHealthCheckNodePort,
  primaryClusterIP,
  shouldAllocateNodePorts,
  usesClusterIPField,
  usesNodePorts,
} from "../allocators/service-holdings.js";
import { Operation } from "../allocators/allocation-operation.js";
import type { PoolOwner } from "../allocators/store-pool.js";
import { StorePool } from "../allocators/store-pool.js";
import type { Store } from "../storage/store.js";

/** Key prefix of allocated cluster IPs. */
export const clusterIPKeyPrefix = "/registry/svcnet.io/clusterips/";
/** Key prefix of allocated node ports. */
export const nodePortKeyPrefix = "/registry/svcnet.io/nodeports/";

/** Options of ServiceAllocator. */
export interface ServiceAllocatorOptions {
  store: Store;
  /** Default "10.0.0.0/24". */
  serviceCIDR?: string;
  /** Default "30000-32767". */
  nodePortRange?: string;
  /** Randomness for dynamic allocation; default Math.random. */
  random?: RandomInt;
}

/** Options of an allocation call. */
export interface AllocateOptions {
  /** Check and fill in values, but reserve nothing. */
  dryRun: boolean;
}

/** Undoes a create's reservations. Safe to call more than once. */
export type Rollback = () => Promise<void>;

/** The outcome of an update's allocation: commit after the write, rollback if it failed. */
export interface UpdateTransaction {
  /** Releases what the new object no longer holds. */
  commit(): Promise<void>;
  /** Releases what this update reserved. */
  rollback(): Promise<void>;
}

/** What a repair run changed and found. Entries are store keys, conflicts are messages. */
export interface RepairResult {
  released: string[];
  restored: string[];
  conflicts: string[];
}

const group = "";
const kind = "Service";

function ownerOf(svc: Service): PoolOwner {
  const o: PoolOwner = { namespace: svc.metadata.namespace ?? "", name: svc.metadata.name ?? "" };
  if (svc.metadata.uid) o.uid = svc.metadata.uid;
  return o;
}

function invalid(svc: Service, errs: FieldError[]): ApiError {
  return ApiError.invalid(group, kind, svc.metadata.name ?? "", errs);
}

function internal(message: string): ApiError {
  return ApiError.internal(new Error(message));
}

/** Allocates and releases cluster IPs and node ports; see the file comment for the contract. */
export class ServiceAllocator {
  readonly ipRange: ServiceIPRange;
  readonly portRange: PortRange;
  readonly #ips: StorePool;
  readonly #ports: StorePool;
  #suspects = new Map<string, number>();

  /** Throws TypeError for a malformed CIDR or port range. Does no I/O. */
  constructor(options: ServiceAllocatorOptions) {
    this.ipRange = new ServiceIPRange(options.serviceCIDR ?? "10.0.0.0/24");
    this.portRange = new PortRange(options.nodePortRange ?? "30000-32767");
    const ipRange = this.ipRange;
    const portRange = this.portRange;
    this.#ips = new StorePool({
      store: options.store,
      prefix: clusterIPKeyPrefix,
      size: ipRange.size,
      staticBand: ipRange.staticBand,
      itemAt: (o) => ipRange.ipAt(o),
      offsetOf: (ip) => ipRange.offsetOf(ip),
      random: options.random,
    });
    this.#ports = new StorePool({
      store: options.store,
      prefix: nodePortKeyPrefix,
      size: portRange.size,
      staticBand: portRange.staticBand,
      itemAt: (o) => String(portRange.portAt(o)),
      offsetOf: (p) => (/^[0-9]+$/.test(p) ? portRange.offsetOf(Number(p)) : undefined),
      random: options.random,
    });
  }

  /** The first address of the range (10.0.0.1), which the `kubernetes` service requests. */
  get kubernetesServiceIP(): string {
    return this.ipRange.ipAt(0);
  }

  /**
   * Fills spec.clusterIP/clusterIPs (unless ExternalName or headless), ipFamilies and
   * ipFamilyPolicy, node ports (NodePort, LoadBalancer unless allocateLoadBalancerNodePorts is
   * false) and healthCheckNodePort (LoadBalancer with externalTrafficPolicy Local), honouring
   * requested values. Mutates `svc`; on error it may be partly filled and nothing stays reserved.
   */
  async allocateForCreate(svc: Service, options: AllocateOptions): Promise<Rollback> {
    const op = await this.#allocate(svc, undefined, options.dryRun);
    return () => op.rollback();
  }

  /**
   * Allocates for an update: drops values the new type does not use, carries over allocated
   * values the new object omits, allocates what it newly needs (type changes, added ports,
   * changed node ports) and, on commit, releases what it gave up. Mutates `newSvc` only.
   */
  async allocateForUpdate(oldSvc: Service, newSvc: Service, options: AllocateOptions): Promise<UpdateTransaction> {
    prepareServiceForUpdate(newSvc, oldSvc);
    const op = await this.#allocate(newSvc, oldSvc, options.dryRun);
    const kept = this.#canonical(heldResources(newSvc));
    const before = this.#canonical(heldResources(oldSvc));
    const owner = ownerOf(oldSvc);
    const goneIPs = before.clusterIPs.filter((ip) => !kept.clusterIPs.includes(ip));
    const gonePorts = before.nodePorts.filter((p) => !kept.nodePorts.includes(p));
    let committed = false;
    return {
      commit: async () => {
        if (committed || options.dryRun) return;
        committed = true;
        await this.#releaseAll(owner, { clusterIPs: goneIPs, nodePorts: gonePorts });
      },
      rollback: () => op.rollback(),
    };
  }

  /** Releases everything `svc` holds (only keys still owned by it). */
  async releaseForDelete(svc: Service): Promise<void> {
    await this.#releaseAll(ownerOf(svc), this.#canonical(heldResources(svc)));
  }

  /**
   * Reconciles the keys with the services: re-records values a service holds without a key,
   * releases keys no service holds once they were seen orphaned on the previous run too, and
   * reports values held by several services or out of range.
   *
   * Pass `services` as a function that lists every service consistently (not from a lagging
   * cache): repair reads the keys first and lists after, so a service deleted meanwhile can
   * only look orphaned (and wait out the grace period), never get its freed values recorded
   * again. With an array listed before the call, a value freed by a delete on another server
   * between that list and the key read is recorded again for the deleted service — held by
   * nobody until two later repairs release it.
   */
  async repair(services: readonly Service[] | (() => Promise<readonly Service[]>)): Promise<RepairResult> {
    const result: RepairResult = { released: [], restored: [], conflicts: [] };
    const ipEntries = await this.#ips.entries();
    const portEntries = await this.#ports.entries();
    const listed = typeof services === "function" ? await services() : services;
    const ipClaims = new Map<string, PoolOwner[]>();
    const portClaims = new Map<string, PoolOwner[]>();
    for (const svc of listed) {
      const held = heldResources(svc);
      const who = `${svc.metadata.namespace ?? ""}/${svc.metadata.name ?? ""}`;
      for (const ip of held.clusterIPs) {
        const off = this.ipRange.offsetOf(ip);
        if (off === undefined) {
          result.conflicts.push(`the cluster IP ${ip} for service ${who} is not within the service CIDR ${this.ipRange}; please recreate`);
        } else pushClaim(ipClaims, this.ipRange.ipAt(off), ownerOf(svc));
      }
      for (const port of held.nodePorts) {
        if (this.portRange.offsetOf(port) === undefined) {
          result.conflicts.push(`the node port ${port} for service ${who} is not within the port range ${this.portRange}; please recreate`);
        } else pushClaim(portClaims, String(port), ownerOf(svc));
      }
    }
    const suspects = new Map<string, number>();
    for (const [pool, entries, claims, what] of [
      [this.#ips, ipEntries, ipClaims, "cluster IP"],
      [this.#ports, portEntries, portClaims, "node port"],
    ] as const) {
      const plan = planRepair({ entries, claims, suspects: this.#suspects });
      for (const [k, rev] of plan.suspects) suspects.set(k, rev);
      for (const c of plan.conflicts) {
        const names = c.owners.map((o) => `${o.namespace}/${o.name}`).join(", ");
        result.conflicts.push(`the ${what} ${c.item} is allocated to more than one service: ${names}`);
      }
      for (const a of plan.actions) await applyRepair(pool, a, result);
    }
    this.#suspects = suspects;
    return result;
  }

  #canonical(h: Holdings): Holdings {
    const ips = h.clusterIPs.map((ip) => {
      const off = this.ipRange.offsetOf(ip);
      return off === undefined ? ip : this.ipRange.ipAt(off);
    });
    return { clusterIPs: ips, nodePorts: h.nodePorts };
  }

  async #releaseAll(owner: PoolOwner, h: Holdings): Promise<void> {
    for (const ip of h.clusterIPs) await this.#ips.release(ip, owner);
    for (const p of h.nodePorts) await this.#ports.release(String(p), owner);
  }

  async #allocate(svc: Service, oldSvc: Service | undefined, dryRun: boolean): Promise<Operation> {
    const famErrs = initIPFamilies(svc, this.ipRange.family, oldSvc);
    if (famErrs.length) throw invalid(svc, famErrs);
    const held = this.#canonical(oldSvc ? heldResources(oldSvc) : { clusterIPs: [], nodePorts: [] });
    const canonicalIP = (ip: string): string => this.#canonical({ clusterIPs: [ip], nodePorts: [] }).clusterIPs[0];
    const op = new Operation({ ips: this.#ips, ports: this.#ports, owner: ownerOf(svc), dryRun, held, canonicalIP });
    try {
      if (needsClusterIP(svc)) await this.#fillClusterIP(svc, op);
      else if (usesClusterIPField(svc) && primaryClusterIP(svc.spec) === clusterIPNone) {
        svc.spec.clusterIP = clusterIPNone;
        svc.spec.clusterIPs = [clusterIPNone];
      }
      if (usesNodePorts(svc)) await this.#fillNodePorts(svc, op, { shareByServicePort: !oldSvc });
      if (needsHealthCheckNodePort(svc)) await this.#fillHealthCheckNodePort(svc, op);
    } catch (e) {
      await op.rollback();
      throw e;
    }
    return op;
  }

  async #fillClusterIP(svc: Service, op: Operation): Promise<void> {
    const requested = primaryClusterIP(svc.spec);
    let ip: string;
    if (requested && op.holdsIP(requested)) {
      ip = requested; // unchanged on update: kept even if the range has changed since
    } else if (requested) {
      const badValue = svc.spec.clusterIPs?.length ? [...svc.spec.clusterIPs] : [requested];
      const fail = (why: string): ApiError =>
        invalid(svc, [fieldErrors.invalid(path("spec", "clusterIPs"), badValue, `failed to allocate IP ${requested}: ${why}`)]);
      const off = this.ipRange.offsetOf(requested);
      if (off === undefined) {
        throw fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.ipRange}`);
      }
      if (!(await op.takeIP(this.ipRange.ipAt(off)))) throw fail("provided IP is already allocated");
      ip = requested;
    } else {
      const got = await op.nextIP();
      if (got === undefined) throw internal("failed to allocate a serviceIP: range is full");
      ip = got;
    }
    svc.spec.clusterIP = ip;
    svc.spec.clusterIPs = [ip];
  }

  async #fillNodePorts(svc: Service, op: Operation, opts: { shareByServicePort: boolean }): Promise<void> {
    const ports = svc.spec.ports ?? [];
    const allocate = shouldAllocateNodePorts(svc);
    const byServicePort = new Map<number, number>();
    const seen = new Set<string>();
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i];
      const fieldPath = path("spec", "ports").index(i).child("nodePort");
      if (!p.nodePort && !allocate) continue;
      if (!p.nodePort && opts.shareByServicePort) {
        const shared = byServicePort.get(p.port) ?? ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
        if (shared) p.nodePort = shared;
      }
      if (p.nodePort) {
        const np = p.nodePort;
        // A port held before this update is kept as is, even if the range has changed since.
        if (!op.holdsPort(np)) {
          if (this.portRange.offsetOf(np) === undefined) {
            throw invalid(svc, [fieldErrors.invalid(fieldPath, np, `provided port is not in the valid range. The range of valid ports is ${this.portRange}`)]);
          }
          if (!(await op.takePort(np, { shared: true }))) {
            throw invalid(svc, [fieldErrors.invalid(fieldPath, np, "provided port is already allocated")]);
          }
        }
      } else {
        const got = await op.nextPort();
        if (got === undefined) throw internal("failed to allocate a nodePort: range is full");
        p.nodePort = got;
      }
      const dup = `${p.protocol ?? "TCP"}/${p.nodePort}`;
      if (seen.has(dup)) throw invalid(svc, [fieldErrors.duplicate(fieldPath, p.nodePort)]);
      seen.add(dup);
      if (!byServicePort.has(p.port)) byServicePort.set(p.port, p.nodePort);
    }
  }

  async #fillHealthCheckNodePort(svc: Service, op: Operation): Promise<void> {
    const hc = svc.spec.healthCheckNodePort;
    if (hc) {
      if (op.holdsPort(hc)) return;
      let why: string | undefined;
      if (this.portRange.offsetOf(hc) === undefined) {
        why = `provided port is not in the valid range. The range of valid ports is ${this.portRange}`;
      } else if (!(await op.takePort(hc, { shared: false }))) {
        why = "provided port is already allocated";
      }
      if (why) throw internal(`failed to allocate requested HealthCheck NodePort ${hc}: ${why}`);
      return;
    }
    const got = await op.nextPort();
    // Kubernetes prints the zero value it has at that point, hence "NodePort 0".
    if (got === undefined) throw internal("failed to allocate a HealthCheck NodePort 0: range is full");
    svc.spec.healthCheckNodePort = got;
  }
}

function pushClaim(claims: Map<string, PoolOwner[]>, item: string, owner: PoolOwner): void {
  const list = claims.get(item);
  if (list) list.push(owner);
  else claims.set(item, [owner]);
}

async function applyRepair(pool: StorePool, a: RepairAction, result: RepairResult): Promise<void> {
  if (a.kind === "release") {
    if (await pool.deleteEntry(a.entry)) result.released.push(a.entry.kv.key);
  } else if (a.kind === "reassign") {
    if (await pool.setOwner(a.entry, a.owner)) result.restored.push(a.entry.kv.key);
  } else if (await pool.reserve(a.item, a.owner)) {
    result.restored.push(pool.keyOf(a.item));
  }
}
