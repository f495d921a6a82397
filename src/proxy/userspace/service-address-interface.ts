// Makes service addresses local so the userspace proxy can bind them: a dummy interface in the
// proxy's network namespace (`svcnet-svc0`, as IPVS mode's kube-ipvs0; a port-less bridge where
// the kernel has no dummy driver) holding each ClusterIP, externalIP and LoadBalancer VIP as a /32. Needs CAP_NET_ADMIN. Rootless setups put the
// service range in 127.0.0.0/8 instead, where every address is already local, and use no
// interface at all.
//
// The interface is the proxy's alone: addresses on it that the proxy does not want are removed
// on a full sync. Changes go through one `ip -force -batch` per sync, not one `ip` per address.

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffAddresses, parseAddressListing } from "./reconcile-plan.js";

/** Runs `ip <args…>` (no shell); the sandbox's ExecIpRunner fits. Rejects on a non-zero exit. */
export interface IpCommand {
  ip(args: readonly string[]): Promise<string>;
}

/** The interface name used unless told otherwise. */
export const defaultServiceInterface = "svcnet-svc0";

export interface AddressSyncResult {
  added: string[];
  removed: string[];
}

/** How the proxier makes service addresses local. */
export interface ServiceAddresses {
  /** Makes the addresses on the interface exactly `desired`; `full` re-reads what is there first. */
  sync(desired: ReadonlySet<string>, full: boolean): Promise<AddressSyncResult>;
  /** False when the interface is gone (someone deleted it): the next sync must be full. */
  intact(): Promise<boolean>;
  /** Deletes the interface and with it every address. */
  remove(): Promise<void>;
}

export interface DummyInterfaceOptions {
  ip: IpCommand;
  /** Default svcnet-svc0. Tests use a unique name. */
  name?: string;
  /**
   * Link types to try, in order, when creating the interface; default ["dummy", "bridge"]. Some
   * kernels (minimal VM kernels) are built without the dummy driver; a bridge without ports
   * holds local addresses just as well.
   */
  linkTypes?: readonly string[];
}

/** The batch file of `ip -force -batch` lines for one change. */
export function addressBatch(name: string, add: readonly string[], remove: readonly string[]): string {
  return [...remove.map((a) => `address del ${a}/32 dev ${name}`), ...add.map((a) => `address add ${a}/32 dev ${name}`)].join("\n") + "\n";
}

export class DummyInterfaceAddresses implements ServiceAddresses {
  readonly #ip: IpCommand;
  readonly name: string;
  readonly #linkTypes: readonly string[];
  /** What the proxy believes is on the interface; undefined until the first full sync. */
  #present: Set<string> | undefined;

  constructor(options: DummyInterfaceOptions) {
    this.#ip = options.ip;
    this.name = options.name ?? defaultServiceInterface;
    this.#linkTypes = options.linkTypes ?? ["dummy", "bridge"];
  }

  async sync(desired: ReadonlySet<string>, full: boolean): Promise<AddressSyncResult> {
    if (full || this.#present === undefined) this.#present = await this.#readPresent();
    const { add, remove } = diffAddresses(this.#present, desired);
    if (add.length === 0 && remove.length === 0) return { added: [], removed: [] };
    const file = join(tmpdir(), `svcnet-svc-addrs-${process.pid}-${randomBytes(4).toString("hex")}`);
    try {
      await writeFile(file, addressBatch(this.name, add, remove));
      // -force: one bad line (an address someone else removed) does not stop the rest.
      await this.#ip.ip(["-force", "-batch", file]).catch(() => undefined);
    } finally {
      await rm(file, { force: true });
    }
    // Re-read rather than trust the batch: its exit status covers the worst line only.
    this.#present = await this.#readPresent();
    return { added: add.filter((a) => this.#present?.has(a)), removed: remove.filter((a) => !this.#present?.has(a)) };
  }

  async intact(): Promise<boolean> {
    try {
      await this.#ip.ip(["link", "show", "dev", this.name]);
      return true;
    } catch {
      return false;
    }
  }

  async remove(): Promise<void> {
    this.#present = undefined;
    if (await this.intact()) await this.#ip.ip(["link", "del", "dev", this.name]);
  }

  /** Creates the interface with the first link type the kernel knows. */
  async #create(): Promise<void> {
    let last: unknown;
    for (const type of this.#linkTypes) {
      try {
        await this.#ip.ip(["link", "add", this.name, "type", type]);
        return;
      } catch (error) {
        last = error;
      }
    }
    throw last instanceof Error ? last : new Error(`cannot create interface ${this.name}`);
  }

  /** Creates the interface when missing (up, no ARP: it only makes addresses local) and lists its addresses. */
  async #readPresent(): Promise<Set<string>> {
    if (!(await this.intact())) {
      await this.#create();
      await this.#ip.ip(["link", "set", "dev", this.name, "up"]);
    }
    return parseAddressListing(await this.#ip.ip(["-o", "-4", "address", "show", "dev", this.name]));
  }
}

/** Runs the real `ip`, optionally inside a named network namespace (`ip -n NS …`). */
export class ExecIpCommand implements IpCommand {
  readonly #netns: string | undefined;

  constructor(options: { netns?: string } = {}) {
    this.#netns = options.netns;
  }

  ip(args: readonly string[]): Promise<string> {
    const argv = this.#netns ? ["-n", this.#netns, ...args] : [...args];
    return new Promise((resolve, reject) => {
      execFile("ip", argv, { timeout: 30_000, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`\`ip ${argv.join(" ")}\` failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
  }
}

/**
 * Removes the service interface a userspace proxy left (another proxy mode starting on this
 * node calls this). True when there was one.
 */
export async function cleanupUserspace(ip: IpCommand, name: string = defaultServiceInterface): Promise<boolean> {
  const iface = new DummyInterfaceAddresses({ ip, name });
  if (!(await iface.intact())) return false;
  await iface.remove();
  return true;
}
