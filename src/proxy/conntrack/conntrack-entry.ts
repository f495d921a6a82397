// Connection-tracking entries as `conntrack -L` prints them, e.g.
//   udp      17 29 src=10.1.13.5 dst=10.0.0.10 sport=43211 dport=53 [UNREPLIED] src=10.1.13.7 dst=10.1.13.5 sport=53 dport=43211 mark=0 use=1
// The first src/dst/sport/dport group is the original direction (client → service VIP), the
// second the reply direction, whose source is where DNAT sent the packets (the endpoint).

/** One direction of a connection. */
export interface ConntrackTuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

export interface ConntrackEntry {
  /** Lower-case protocol name as printed ("udp", "tcp"). */
  protocol: string;
  /** Seconds until the entry expires. */
  timeoutSeconds: number;
  orig: ConntrackTuple;
  reply: ConntrackTuple;
  /** [UNREPLIED]: no packet has come back yet. */
  unreplied: boolean;
  /** [ASSURED]: seen traffic both ways; the kernel will not evict it early. */
  assured: boolean;
}

/** The result of parsing a whole listing; lines that are not entries are kept, not dropped. */
export interface ConntrackListing {
  entries: ConntrackEntry[];
  /** Non-empty lines that could not be read as an entry (other than the tool's summary line). */
  unparsed: string[];
}

const summaryLine = /flow entries have been shown/;

function port(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/**
 * Reads one line of `conntrack -L` (or of /proc/net/nf_conntrack, which puts the address
 * family and its number in front). Returns undefined for anything without two complete
 * address/port tuples, such as ICMP entries or the tool's summary line.
 */
export function parseConntrackLine(line: string): ConntrackEntry | undefined {
  const tokens = line.trim().split(/\s+/);
  let i = 0;
  if (tokens[0] === "ipv4" || tokens[0] === "ipv6") i = 2;
  const protocol = tokens[i];
  const timeout = tokens[i + 2];
  if (!protocol || !/^[a-z0-9]+$/.test(protocol) || !/^[0-9]+$/.test(tokens[i + 1] ?? "")) return undefined;
  if (timeout === undefined || !/^[0-9]+$/.test(timeout)) return undefined;

  // Each key appears once per direction; the first occurrence belongs to the original one.
  const fields: [Map<string, string>, Map<string, string>] = [new Map(), new Map()];
  let unreplied = false;
  let assured = false;
  for (const token of tokens.slice(i + 3)) {
    if (token === "[UNREPLIED]") unreplied = true;
    else if (token === "[ASSURED]") assured = true;
    const eq = token.indexOf("=");
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    const target = fields[0].has(key) ? fields[1] : fields[0];
    if (!target.has(key)) target.set(key, value);
  }

  const tuples: ConntrackTuple[] = [];
  for (const f of fields) {
    const src = f.get("src");
    const dst = f.get("dst");
    const sport = port(f.get("sport"));
    const dport = port(f.get("dport"));
    if (!src || !dst || sport === undefined || dport === undefined) return undefined;
    tuples.push({ src, dst, sport, dport });
  }
  return { protocol, timeoutSeconds: Number(timeout), orig: tuples[0], reply: tuples[1], unreplied, assured };
}

/** Reads a whole listing, one entry per line. */
export function parseConntrackListing(text: string): ConntrackListing {
  const listing: ConntrackListing = { entries: [], unparsed: [] };
  for (const line of text.split("\n")) {
    if (line.trim() === "" || summaryLine.test(line)) continue;
    const entry = parseConntrackLine(line);
    if (entry) listing.entries.push(entry);
    else listing.unparsed.push(line);
  }
  return listing;
}
