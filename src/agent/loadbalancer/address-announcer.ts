// The thin I/O of layer-2 announcement in one node's network namespace: make the set of
// LoadBalancer addresses on the node-network interface (labelled `<dev>:lb`) equal a desired set,
// and send gratuitous ARP for each address this process starts holding, so that neighbours'
// caches move to this node at once. The kernel then answers ARP requests for the address and
// delivers its packets to the proxy's rules. IPv4 only: an IPv6 address is reported as skipped
// (unsolicited neighbour advertisement is not implemented).

import { parseIP } from "../../allocators/ip.js";
import type { Clock } from "../../client/index.js";
import { realClock } from "../../client/index.js";
import { IpCommandError } from "../../sandbox/ip-runner.js";
import type { IpRunner } from "../../sandbox/ip-runner.js";
import type { GratuitousArpSettings } from "./announcer-commands.js";
import { addAddressArgs, defaultGratuitousArp, deleteAddressArgs, gratuitousArpArgs, isAddressExists, isAddressMissing, listAddressesArgs, parseListedAddresses } from "./announcer-commands.js";

export interface AddressAnnouncerOptions {
  /** Runs `ip` (and `ip netns exec … arping`). */
  runner: IpRunner;
  /** The node's network namespace. */
  netns: string;
  /** The node-network interface; default "eth0". */
  dev?: string;
  /** Gratuitous ARP count and spacing; default two, one second apart. */
  gratuitousArp?: GratuitousArpSettings;
  /** Times the repeated announcements; default the real clock. */
  clock?: Clock;
  /** Where failures of gratuitous ARP go (they do not fail a sync); default console.warn. */
  log?: (line: string) => void;
}

/** What a sync changed. */
export interface AnnouncerSyncResult {
  added: string[];
  removed: string[];
  /** Desired addresses this announcer cannot hold (IPv6, unparsable). */
  skipped: string[];
}

/**
 * Holds LoadBalancer addresses on one interface. Contract:
 * - `sync(desired)` reads the labelled addresses from the kernel, deletes those not desired, adds
 *   the missing ones, and resolves once the kernel matches. Every address this announcer has not
 *   announced yet (just added, or found held by an earlier process) gets its gratuitous ARPs: the
 *   first right after the add, the repeats on the clock in the background; a failure is logged,
 *   not thrown. Deleting an address cancels its repeats still due, so an old owner never claims
 *   an address after letting it go. An address that appears or vanishes between the listing and
 *   the change is fine. Calls must not overlap.
 * - `releaseAll()` deletes every labelled address, also those left by an earlier process.
 * - `stopAnnouncing()` cancels every repeat still due and leaves the addresses (a stop that
 *   keeps them, as a crash would, must not announce anything afterwards).
 * - `idle()` resolves when no `arping` process is running (each lives about a second).
 */
export class AddressAnnouncer {
  readonly #o: AddressAnnouncerOptions & { dev: string; clock: Clock; gratuitousArp: GratuitousArpSettings };
  /** Announced addresses, each with the cancel of its repeats still due. */
  readonly #announced = new Map<string, () => void>();
  readonly #pending = new Set<Promise<void>>();

  constructor(options: AddressAnnouncerOptions) {
    this.#o = { ...options, dev: options.dev ?? "eth0", clock: options.clock ?? realClock, gratuitousArp: options.gratuitousArp ?? defaultGratuitousArp };
  }

  /** The labelled addresses on the interface now. */
  async held(): Promise<string[]> {
    return parseListedAddresses(await this.#o.runner.ip(listAddressesArgs(this.#o.netns, this.#o.dev)));
  }

  async sync(desired: Iterable<string>): Promise<AnnouncerSyncResult> {
    const want = new Set<string>();
    const skipped: string[] = [];
    for (const address of desired) {
      if (parseIP(address)?.family === "IPv4") want.add(address);
      else skipped.push(address);
    }
    const held = new Set(await this.held());
    const removed: string[] = [];
    for (const address of held) {
      if (want.has(address)) continue;
      await this.#delete(address);
      removed.push(address);
    }
    const added: string[] = [];
    for (const address of want) {
      if (!held.has(address)) {
        await this.#add(address);
        added.push(address);
      }
      if (!this.#announced.has(address)) this.#announce(address);
    }
    return { added, removed, skipped };
  }

  /** Deletes every labelled address; resolves with those deleted. */
  async releaseAll(): Promise<string[]> {
    const held = await this.held();
    for (const address of held) await this.#delete(address);
    return held;
  }

  /** Cancels the gratuitous ARPs still due; the addresses stay. */
  stopAnnouncing(): void {
    for (const cancel of this.#announced.values()) cancel();
    this.#announced.clear();
  }

  /** Resolves when every gratuitous ARP started so far has ended. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async #add(address: string): Promise<void> {
    try {
      await this.#o.runner.ip(addAddressArgs(this.#o.netns, this.#o.dev, address));
    } catch (e) {
      if (!(e instanceof IpCommandError && isAddressExists(e.stderr))) throw e;
    }
  }

  async #delete(address: string): Promise<void> {
    this.#announced.get(address)?.();
    this.#announced.delete(address);
    try {
      await this.#o.runner.ip(deleteAddressArgs(this.#o.netns, this.#o.dev, address));
    } catch (e) {
      if (!(e instanceof IpCommandError && isAddressMissing(e.stderr))) throw e;
    }
  }

  /** Sends the first gratuitous ARP now and schedules the repeats. */
  #announce(address: string): void {
    const { count, intervalMs } = this.#o.gratuitousArp;
    let cancel = (): void => undefined;
    const send = (left: number): void => {
      this.#arping(address);
      if (left > 1) cancel = this.#o.clock.setTimer(() => send(left - 1), intervalMs);
    };
    this.#announced.set(address, () => cancel());
    if (count > 0) send(count);
  }

  #arping(address: string): void {
    const run = this.#o.runner
      .ip(gratuitousArpArgs(this.#o.netns, this.#o.dev, address))
      .then(() => undefined)
      .catch((e: unknown) => (this.#o.log ?? console.warn)(`gratuitous ARP for ${address} failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => this.#pending.delete(run));
    this.#pending.add(run);
  }
}
