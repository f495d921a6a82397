// The commands the layer-2 announcer runs in a node's network namespace, as argument lists for
// IpRunner, and the parser of their output. LoadBalancer addresses are added as /32 with the
// label `<dev>:lb`, so that listing by that label finds exactly the speaker's own addresses and
// nothing the node or anyone else put on the interface. Gratuitous ARP is iputils `arping -U`.
// IPv4 only: the kernel keeps labels for IPv4 addresses alone. Pure.

/** Linux's limit on an address label (IFNAMSIZ - 1), which must start with the device name. */
const MAX_LABEL_LENGTH = 15;

/**
 * How many gratuitous ARPs announce a takeover, and how far apart. Each is its own `arping -c 1`
 * (which sends at once), so that repeats still due when the address is let go can be cancelled:
 * a late announcement from the old owner would pull the neighbours back to it.
 */
export interface GratuitousArpSettings {
  count: number;
  intervalMs: number;
}

/** Two announcements one second apart: the second covers a lost first. */
export const defaultGratuitousArp: GratuitousArpSettings = { count: 2, intervalMs: 1000 };

/** The label marking the speaker's addresses on `dev`; throws when it would be too long for the kernel. */
export function announcerLabel(dev: string): string {
  const label = `${dev}:lb`;
  if (label.length > MAX_LABEL_LENGTH) throw new Error(`interface name ${JSON.stringify(dev)} is too long for the address label ${JSON.stringify(label)} (at most ${MAX_LABEL_LENGTH - 3} characters)`);
  return label;
}

/** `ip -n <netns> -4 -o addr show dev <dev> label <dev>:lb`: the speaker's addresses, one a line. */
export function listAddressesArgs(netns: string, dev: string): string[] {
  return ["-n", netns, "-4", "-o", "addr", "show", "dev", dev, "label", announcerLabel(dev)];
}

/** `ip -n <netns> addr add <address>/32 dev <dev> label <dev>:lb`. */
export function addAddressArgs(netns: string, dev: string, address: string): string[] {
  return ["-n", netns, "addr", "add", `${address}/32`, "dev", dev, "label", announcerLabel(dev)];
}

/** `ip -n <netns> addr del <address>/32 dev <dev>`. */
export function deleteAddressArgs(netns: string, dev: string, address: string): string[] {
  return ["-n", netns, "addr", "del", `${address}/32`, "dev", dev];
}

/** `ip netns exec <netns> arping -q -U -c 1 -I <dev> <address>`: one unsolicited ARP, sent at once. */
export function gratuitousArpArgs(netns: string, dev: string, address: string): string[] {
  return ["netns", "exec", netns, "arping", "-q", "-U", "-c", "1", "-I", dev, address];
}

/**
 * The addresses in `ip -o addr show` output (`3: eth0    inet 172.17.8.201/32 scope global
 * eth0:lb\ …`), in the order listed, without their prefix length.
 */
export function parseListedAddresses(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split("\n")) {
    const m = /\binet6? ([0-9a-fA-F.:]+)\/\d+/.exec(line);
    if (m) out.push(m[1]);
  }
  return out;
}

/** True for the answer `ip addr add` gives when the address is already there (new and old kernels' wording). */
export function isAddressExists(stderr: string): boolean {
  return /Address already assigned|File exists/.test(stderr);
}

/** True for the answer `ip addr del` gives when the address is not there (new and old kernels' wording). */
export function isAddressMissing(stderr: string): boolean {
  return /Address not found|Cannot assign requested address/.test(stderr);
}
