// kube-proxy's nftables table as this proxy last wrote it, kept in memory, and the `nft -f`
// transactions that move it to a new proxy state. A full sync replaces the whole table in one
// atomic transaction; a partial sync touches only the services that changed: it re-creates
// (add + flush + rules) their chains whose rules differ, adds and deletes just their changed set
// and map elements, and flushes the chains they no longer need. Those stale chains are deleted in
// a later transaction once they have been unreferenced for a second (kernels before 6.2 release a
// verdict-map element's chain reference only after a grace period). The kernel's table is never
// listed: what was written is known, and the table monitor plus periodic full syncs repair drift.
// A partial sync writes rules as chain blocks and elements as set/map re-declarations (see
// partial-commands.ts), so that nft needs no chain cache unless the sync also deletes something.
// In large clusters, elements that merely go away (a deleted service's ClusterIP, its map entries)
// are deleted in that later transaction too: `delete element` makes nft 1.0.6 read the whole table (≈ 0.45 s at
// 10,000 services), while what a lingering element does is harmless — it leads to the service's
// flushed, empty chain, so the packet is not DNATed and the ClusterIP check rejects it, as for any
// unserved port. An element whose key is taken again before then is deleted in that sync.
// Affinity sets a sync no longer needs linger the same way (`delete set` reads the whole table
// too): the chains that named them are flushed or rewritten, so nothing consults them.
//
// Pure: no I/O; the caller runs the text. The store assumes every transaction it produced was
// applied; after a failed one the caller must do a full sync (which starts the store afresh).

import { protocolLower } from "../service-port-name.js";
import type { NodeProxyConfig, ProxyState, ServicePortInfo } from "../types.js";
import { baseRuleLines } from "./base-rules.js";
import { NFT_IPV4, nftFamily, type NftFamily } from "./nft-family.js";
import type { NftAffinitySet, NftChain, NftElement, ServicePortObjects } from "./nft-objects.js";
import { ElementsByContainer, chainBlock } from "./partial-commands.js";
import { servicePortObjects } from "./service-port-rules.js";

/** What a transaction did, for metrics and benchmarks. */
export interface NftSyncStats {
  full: boolean;
  /** Service ports whose objects were recomputed (all of them in a full sync). */
  servicePortsWritten: number;
  chainsWritten: number;
  chainsFlushedStale: number;
  elementsAdded: number;
  elementsDeleted: number;
  /** Service ports with a Local policy and no local endpoint, per policy kind, over the whole state. */
  noLocalEndpoints: { internal: number; external: number };
  /** Chains and rules the table holds for services (for a kube-proxy-like rule count). */
  serviceChains: number;
}

export interface NftTransaction {
  /** `nft -f` input; empty when there is nothing to change. */
  text: string;
  /**
   * A full sync's commands cut into several transactions, to run in order when the table does not
   * exist yet: the first creates the table and its fixed part, each further one adds up to
   * COLD_SYNC_SERVICE_PORTS_PER_TRANSACTION service ports, complete (chains, rules, elements), so
   * every intermediate table serves a subset of the services correctly. The kernel ends up as
   * with `text`; the parts after the first write rules and elements in the shapes of
   * partial-commands.ts, or each part would have nft dump every chain the earlier ones made.
   * Why: the kernel's handling of a transaction costs time quadratic in its length (each rule
   * with an anonymous verdict map walks the whole pending transaction), so one transaction for
   * 10,000 services took 100–170 s and these take ≈ 18 s. Undefined for partial syncs.
   */
  coldParts?: string[];
  stats: NftSyncStats;
}

interface WrittenPort {
  service: string;
  objects: ServicePortObjects;
}

interface ElementValue {
  value?: string;
  comment?: string;
}

/** Service ports per transaction when a full sync creates the table from nothing (see NftTransaction.coldParts). */
export const COLD_SYNC_SERVICE_PORTS_PER_TRANSACTION = 500;

/** Minimum age of a flushed stale chain before it may be deleted. */
export const STALE_CHAIN_DELETE_DELAY_MS = 1000;

export function serviceNameOf(svc: ServicePortInfo): string {
  return `${svc.name.namespace}/${svc.name.name}`;
}

function elementKey(e: Pick<NftElement, "container" | "key">): string {
  return `${e.container} ${e.key}`;
}

function renderElement(fam: NftFamily, verb: "add" | "delete", container: string, key: string, v?: ElementValue): string {
  const ref = fam.tableRef;
  if (verb === "delete" || v === undefined) return `${verb} element ${ref} ${container} { ${key} }`;
  const comment = v.comment !== undefined ? ` comment "${v.comment}"` : "";
  const value = v.value !== undefined ? ` : ${v.value}` : "";
  return `add element ${ref} ${container} { ${key}${comment}${value} }`;
}

function renderSet(fam: NftFamily, set: NftAffinitySet): string {
  return `add set ${fam.tableRef} ${set.name} { type ${fam.addrType} ; flags dynamic,timeout ; timeout ${set.timeoutSeconds}s ; }`;
}

function sameValue(a: ElementValue | undefined, b: ElementValue | undefined): boolean {
  return a?.value === b?.value && a?.comment === b?.comment;
}

function sameChain(a: NftChain | undefined, b: NftChain): boolean {
  return a !== undefined && a.rules.length === b.rules.length && a.rules.every((r, i) => r === b.rules[i]);
}

/** The chain a verdict (`goto X`, `jump X`) leads to, if any. */
function chainOf(value: string | undefined): string | undefined {
  const m = /^(?:goto|jump) (\S+)$/.exec(value ?? "");
  return m?.[1];
}

function sameSets(a: readonly NftAffinitySet[], b: readonly NftAffinitySet[]): boolean {
  return a.length === b.length && a.every((s, i) => s.name === b[i]?.name && s.timeoutSeconds === b[i]?.timeoutSeconds);
}

export class NftRuleStore {
  /** Service port key → what it wrote. */
  readonly #ports = new Map<string, WrittenPort>();
  /** "ns/name" → its written port keys. */
  readonly #portsByService = new Map<string, Set<string>>();
  /** Element (container + key) → what each owning service port wants there. */
  readonly #owners = new Map<string, Map<string, ElementValue>>();
  /** Element (container + key) → what the table holds. */
  readonly #written = new Map<string, ElementValue>();
  /** Flushed chains nothing references any more → when they became stale (epoch ms). */
  readonly #stale = new Map<string, number>();
  /** Elements gone from the state but still in the table → their `delete element` line. */
  readonly #lingering = new Map<string, { line: string; chain?: string }>();
  /** Affinity sets no chain names any more but still in the table, by name. */
  readonly #lingeringSets = new Map<string, NftAffinitySet>();
  #noLocal = { internal: 0, external: 0 };
  #serviceChains = 0;
  #hasSynced = false;
  /** The table's family: the config's at the last full sync (partial syncs and stale-chain deletion follow it). */
  #fam: NftFamily = NFT_IPV4;

  /** False until the first full sync: a partial sync needs a known table. */
  get hasSynced(): boolean {
    return this.#hasSynced;
  }

  /** Forgets everything (after a failed transaction the table's content is unknown). */
  reset(): void {
    this.#ports.clear();
    this.#portsByService.clear();
    this.#owners.clear();
    this.#written.clear();
    this.#stale.clear();
    this.#lingering.clear();
    this.#lingeringSets.clear();
    this.#noLocal = { internal: 0, external: 0 };
    this.#serviceChains = 0;
    this.#hasSynced = false;
  }

  /**
   * The transaction that replaces the whole table with `state`'s rules, and the same cut into
   * transactions of at most `portsPerPart` service ports for a table that does not exist yet.
   */
  full(state: ProxyState, config: NodeProxyConfig, portsPerPart = COLD_SYNC_SERVICE_PORTS_PER_TRANSACTION): NftTransaction {
    this.reset();
    this.#fam = nftFamily(config.ipFamily);
    const fam = this.#fam;
    const ref = fam.tableRef;
    const table = { ipFamily: fam.ipFamily };
    const lines = baseRuleLines(config);
    const keys = [...state.services.keys()].sort();
    const computed: [string, WrittenPort][] = [];
    for (const key of keys) {
      const svc = state.services.get(key) as ServicePortInfo;
      const written = { service: serviceNameOf(svc), objects: servicePortObjects(svc, state.endpoints.get(key) ?? [], config) };
      computed.push([key, written]);
      this.#remember(key, written);
      for (const e of written.objects.elements) this.#own(key, e);
    }
    let chainsWritten = 0;
    let elementsAdded = 0;
    // The cold-sync parts: the fixed part, then whole service ports in the shapes nft evaluates
    // without a chain cache (each part would otherwise dump every chain the earlier ones made).
    const coldParts = [lines.join("\n") + "\n"];
    let part: string[] = [];
    let partElements = new ElementsByContainer(table);
    const endPart = (): void => {
      part.push(...partElements.blocks());
      coldParts.push(part.join("\n") + "\n");
      part = [];
      partElements = new ElementsByContainer(table);
    };
    for (const [i, [key, { service, objects }]] of computed.entries()) {
      if (i > 0 && i % Math.max(1, portsPerPart) === 0) endPart();
      const heading = ["", `# ${service}${objectsPortSuffix(state.services.get(key) as ServicePortInfo)}`, ...objects.sets.map((set) => renderSet(fam, set)), ...objects.chains.map((chain) => `add chain ${ref} ${chain.name}`)];
      lines.push(...heading);
      part.push(...heading);
      for (const chain of objects.chains) {
        for (const rule of chain.rules) lines.push(`add rule ${ref} ${chain.name} ${rule}`);
        part.push(...chainBlock(chain.name, chain.rules, table));
      }
      chainsWritten += objects.chains.length;
      for (const e of objects.elements) {
        const ek = elementKey(e);
        if (this.#written.has(ek)) continue;
        const v = this.#resolve(ek);
        // Another port owns the element when two claim one key with different verdicts.
        if (v === undefined || !sameValue(v, e)) continue;
        this.#written.set(ek, v);
        lines.push(renderElement(fam, "add", e.container, e.key, v));
        partElements.add(e.container, { key: e.key, value: v.value, comment: v.comment });
        elementsAdded++;
      }
    }
    if (computed.length > 0) endPart();
    this.#hasSynced = true;
    return {
      text: lines.join("\n") + "\n",
      coldParts,
      stats: this.#stats({ full: true, servicePortsWritten: keys.length, chainsWritten, chainsFlushedStale: 0, elementsAdded, elementsDeleted: 0 }),
    };
  }

  /**
   * The transaction that brings the services in `changedServices` ("ns/name") up to date with
   * `state`; everything else is assumed unchanged since the last sync. `now` stamps stale chains.
   * With `deferGone` (large clusters, whose cleanup is rate-limited), elements and affinity sets
   * that are merely gone are left to the cleanup instead of being deleted here.
   */
  partial(state: ProxyState, config: NodeProxyConfig, changedServices: ReadonlySet<string>, now: number, options: { deferGone?: boolean } = {}): NftTransaction {
    if (!this.#hasSynced) throw new Error("partial sync before a full sync");
    const fam = this.#fam;
    if (nftFamily(config.ipFamily) !== fam) throw new Error(`partial sync for ${nftFamily(config.ipFamily).ipFamily} after a full sync for ${fam.ipFamily}`);
    const ref = fam.tableRef;
    const table = { ipFamily: fam.ipFamily };
    const createLines: string[] = [];
    const flushStaleLines: string[] = [];
    const deleteElementLines: string[] = [];
    const setLines: string[] = [];
    const ruleLines: string[] = [];
    const added = new ElementsByContainer(table);
    const touchedElements = new Set<string>();
    let servicePortsWritten = 0;
    let chainsWritten = 0;
    let chainsFlushedStale = 0;

    // The current ports of the changed services.
    const currentPorts = new Map<string, string[]>();
    if (changedServices.size > 0) {
      for (const [key, svc] of state.services) {
        const name = serviceNameOf(svc);
        if (!changedServices.has(name)) continue;
        const list = currentPorts.get(name);
        if (list) list.push(key);
        else currentPorts.set(name, [key]);
      }
    }

    for (const service of [...changedServices].sort()) {
      const oldKeys = [...(this.#portsByService.get(service) ?? [])];
      const newKeys = currentPorts.get(service) ?? [];
      const oldChains = new Map<string, NftChain>();
      const oldSets = new Map<string, NftAffinitySet>();
      const oldObjects = new Map<string, ServicePortObjects>();
      for (const key of oldKeys) {
        const written = this.#ports.get(key);
        if (!written) continue;
        oldObjects.set(key, written.objects);
        for (const c of written.objects.chains) oldChains.set(c.name, c);
        for (const s of written.objects.sets) oldSets.set(s.name, s);
        for (const e of written.objects.elements) {
          this.#disown(key, e);
          touchedElements.add(elementKey(e));
        }
        this.#forget(key);
      }
      const newChains = new Set<string>();
      const newSets = new Set<string>();
      for (const key of [...newKeys].sort()) {
        const svc = state.services.get(key) as ServicePortInfo;
        const objects = servicePortObjects(svc, state.endpoints.get(key) ?? [], config);
        servicePortsWritten++;
        this.#remember(key, { service, objects });
        for (const e of objects.elements) {
          this.#own(key, e);
          touchedElements.add(elementKey(e));
        }
        // Changed affinity sets are re-created, so every chain that names them must be rewritten.
        const previous = oldObjects.get(key);
        const rewriteAll = !previous || !sameSets(previous.sets, objects.sets);
        // Sets kept as they are, re-declared (a no-op in the kernel) if a rewritten chain names
        // them: nft evaluates a chain block with only the sets the transaction declares.
        const keptSets: string[] = [];
        for (const set of objects.sets) {
          newSets.add(set.name);
          // A lingering set of the same name (affinity back on) is taken back as it is.
          const lingering = this.#lingeringSets.get(set.name);
          this.#lingeringSets.delete(set.name);
          const old = oldSets.get(set.name) ?? lingering;
          if (old && old.timeoutSeconds !== set.timeoutSeconds) setLines.push(`delete set ${ref} ${set.name}`);
          if (!old || old.timeoutSeconds !== set.timeoutSeconds) setLines.push(renderSet(fam, set));
          else keptSets.push(renderSet(fam, set));
        }
        let rewritten = 0;
        for (const chain of objects.chains) {
          newChains.add(chain.name);
          this.#stale.delete(chain.name);
          if (!rewriteAll && sameChain(oldChains.get(chain.name), chain)) continue;
          createLines.push(`add chain ${ref} ${chain.name}`, `flush chain ${ref} ${chain.name}`);
          ruleLines.push(...chainBlock(chain.name, chain.rules, table));
          chainsWritten++;
          rewritten++;
        }
        if (rewritten > 0) setLines.push(...keptSets);
      }
      for (const name of oldChains.keys()) {
        if (newChains.has(name)) continue;
        flushStaleLines.push(`flush chain ${ref} ${name}`);
        this.#stale.set(name, now);
        chainsFlushedStale++;
      }
      // Sets can go at once: the chains that used them are flushed or rewritten above.
      for (const [name, set] of oldSets) {
        if (newSets.has(name)) continue;
        if (options.deferGone) this.#lingeringSets.set(name, set);
        else setLines.unshift(`delete set ${ref} ${name}`);
      }
    }

    let elementsAdded = 0;
    let elementsDeleted = 0;
    for (const ek of touchedElements) {
      const before = this.#written.get(ek);
      const after = this.#resolve(ek);
      if (before !== undefined && after !== undefined && sameValue(before, after)) continue;
      const [container, key] = splitElementKey(ek);
      if (before !== undefined) {
        const line = renderElement(fam, "delete", container, key);
        this.#written.delete(ek);
        elementsDeleted++;
        // Replaced: the old one must go first. Merely gone: it may linger until the cleanup.
        if (after === undefined && options.deferGone) this.#lingering.set(ek, { line, chain: chainOf(before.value) });
        else deleteElementLines.push(line);
      }
      const lingering = after !== undefined ? this.#lingering.get(ek) : undefined;
      if (lingering) {
        deleteElementLines.push(lingering.line);
        this.#lingering.delete(ek);
      }
      if (after !== undefined) {
        added.add(container, { key, value: after.value, comment: after.comment });
        this.#written.set(ek, after);
        elementsAdded++;
      }
    }

    const addElementLines = added.blocks();
    const lines = [...createLines, ...flushStaleLines, ...deleteElementLines, ...setLines, ...ruleLines, ...addElementLines];
    return {
      text: lines.length > 0 ? lines.join("\n") + "\n" : "",
      stats: this.#stats({ full: false, servicePortsWritten, chainsWritten, chainsFlushedStale, elementsAdded, elementsDeleted }),
    };
  }

  /**
   * The transaction deleting stale chains flushed at least `delayMs` before `now`, or "" when
   * none is due. Takes them off the stale list: if the delete fails, they linger harmlessly
   * (empty, unreferenced) until the next full sync replaces the table.
   */
  deleteStaleChains(now: number, delayMs = STALE_CHAIN_DELETE_DELAY_MS): { text: string; chains: string[]; elements: number; sets: number } {
    // Lingering elements go first; a chain one of them still names waits for the next cleanup
    // (a kernel before 6.2 lets go of the reference only after a grace period).
    const elements = [...this.#lingering.values()];
    this.#lingering.clear();
    const namedNow = new Set(elements.flatMap((e) => (e.chain === undefined ? [] : [e.chain])));
    const due: string[] = [];
    for (const [name, since] of this.#stale) {
      if (namedNow.has(name)) this.#stale.set(name, now);
      else if (now - since >= delayMs) due.push(name);
    }
    due.sort();
    for (const name of due) this.#stale.delete(name);
    // Lingering sets: the chains that named them were flushed or rewritten by the sync that let them go.
    const sets = [...this.#lingeringSets.keys()].sort();
    this.#lingeringSets.clear();
    const lines = [...elements.map((e) => e.line), ...due.map((name) => `delete chain ${this.#fam.tableRef} ${name}`), ...sets.map((name) => `delete set ${this.#fam.tableRef} ${name}`)];
    return { text: lines.map((l) => `${l}\n`).join(""), chains: due, elements: elements.length, sets: sets.length };
  }

  /** Elements gone from the state that the table still holds until the next cleanup. */
  get lingeringElements(): number {
    return this.#lingering.size;
  }

  /** Affinity sets gone from the state that the table still holds until the next cleanup. */
  get lingeringSets(): number {
    return this.#lingeringSets.size;
  }

  /** Stale chains not yet deleted (flushed, unreferenced). */
  get staleChains(): ReadonlyMap<string, number> {
    return this.#stale;
  }

  /** Elements the table holds now, as `container key` strings (for tests). */
  writtenElements(): string[] {
    return [...this.#written.keys()].sort();
  }

  #remember(key: string, written: WrittenPort): void {
    this.#ports.set(key, written);
    let keys = this.#portsByService.get(written.service);
    if (!keys) this.#portsByService.set(written.service, (keys = new Set()));
    keys.add(key);
    this.#noLocal.internal += written.objects.noLocalEndpoints.internal;
    this.#noLocal.external += written.objects.noLocalEndpoints.external;
    this.#serviceChains += written.objects.chains.length;
  }

  #forget(key: string): void {
    const written = this.#ports.get(key);
    if (!written) return;
    this.#ports.delete(key);
    const keys = this.#portsByService.get(written.service);
    keys?.delete(key);
    if (keys?.size === 0) this.#portsByService.delete(written.service);
    this.#noLocal.internal -= written.objects.noLocalEndpoints.internal;
    this.#noLocal.external -= written.objects.noLocalEndpoints.external;
    this.#serviceChains -= written.objects.chains.length;
  }

  #own(portKey: string, e: NftElement): void {
    const ek = elementKey(e);
    let owners = this.#owners.get(ek);
    if (!owners) this.#owners.set(ek, (owners = new Map()));
    owners.set(portKey, { value: e.value, comment: e.comment });
  }

  #disown(portKey: string, e: NftElement): void {
    const ek = elementKey(e);
    const owners = this.#owners.get(ek);
    owners?.delete(portKey);
    if (owners?.size === 0) this.#owners.delete(ek);
  }

  /** What the element should hold: the wish of its first owner in key order; undefined = none. */
  #resolve(ek: string): ElementValue | undefined {
    const owners = this.#owners.get(ek);
    if (!owners || owners.size === 0) return undefined;
    if (owners.size === 1) return owners.values().next().value;
    const first = [...owners.keys()].sort()[0] as string;
    return owners.get(first);
  }

  #stats(s: Omit<NftSyncStats, "noLocalEndpoints" | "serviceChains">): NftSyncStats {
    return { ...s, noLocalEndpoints: { ...this.#noLocal }, serviceChains: this.#serviceChains };
  }
}

function splitElementKey(ek: string): [string, string] {
  const space = ek.indexOf(" ");
  return [ek.slice(0, space), ek.slice(space + 1)];
}

function objectsPortSuffix(svc: ServicePortInfo): string {
  return `${svc.name.port ? `:${svc.name.port}` : ""} ${protocolLower(svc.protocol)}/${svc.port}`;
}

/** The full transaction for a state, as `svcnet rules --mode nftables` prints it. */
export function generateNftablesRules(state: ProxyState, config: NodeProxyConfig): NftTransaction {
  return new NftRuleStore().full(state, config);
}
