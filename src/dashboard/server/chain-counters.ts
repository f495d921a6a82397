// Packet counters per chain from `iptables-save -c`: for each chain, the sum of the counters of
// the rules that jump (or goto) into it — how many packets entered it. In the nat table only the
// first packet of a connection is seen, so for KUBE-SVC-…/KUBE-SEP-… chains this counts new
// connections, split across endpoints. Pure: text in, numbers out.

export interface ChainCounter {
  packets: number;
  bytes: number;
}

/** Key of a chain in the result: "<table> <chain>". */
export function chainKey(table: string, chain: string): string {
  return `${table} ${chain}`;
}

const counted = /^\[(\d+):(\d+)\]\s+-A\s+(\S+)\s+(.*)$/;
const jumpTarget = /(?:^|\s)-[jg]\s+(\S+)/;

/**
 * Reads `iptables-save -c` output (any tables). Rules without counters (plain `iptables-save`)
 * count nothing; chains nobody jumps into are absent.
 */
export function chainCounters(saveText: string): Map<string, ChainCounter> {
  const out = new Map<string, ChainCounter>();
  let table = "";
  for (const raw of saveText.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("*")) {
      table = line.slice(1);
      continue;
    }
    const m = counted.exec(line);
    if (!m) continue;
    const target = jumpTarget.exec(m[4])?.[1];
    if (target === undefined || !/^[A-Z0-9][A-Z0-9_-]*$/i.test(target) || isBuiltinTarget(target)) continue;
    const key = chainKey(table, target);
    const c = out.get(key) ?? { packets: 0, bytes: 0 };
    c.packets += Number(m[1]);
    c.bytes += Number(m[2]);
    out.set(key, c);
  }
  return out;
}

const builtinTargets = new Set(["ACCEPT", "DROP", "REJECT", "RETURN", "DNAT", "SNAT", "MASQUERADE", "MARK", "LOG", "CONNMARK", "NOTRACK", "CT"]);

function isBuiltinTarget(name: string): boolean {
  return builtinTargets.has(name);
}
