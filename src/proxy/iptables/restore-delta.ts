// Leaves out of a restore the shared chains whose rules are exactly what the last successful
// restore wrote. With --noflush a chain the input does not mention stays as it is, so an endpoint
// change that does not alter KUBE-SERVICES (the common case) no longer rewrites it: the restore
// shrinks from O(services) to O(the changed service). kube-proxy itself rewrites the shared
// chains on every sync; this is where svcnet goes further, to keep partial syncs fast at scale.

/** The rules of each mentioned chain, keyed "table/chain", as one string. */
export type ChainTexts = Map<string, string>;

export interface RestoreDelta {
  /** The restore input without the unchanged chains. */
  text: string;
  /** The rules of every candidate chain in the full input (to remember once the restore succeeds). */
  written: ChainTexts;
  /** "table/chain" of the chains left out. */
  omitted: string[];
}

/** Groups the candidate chains' declaration and rule lines of a restore input by table/chain. */
export function chainTexts(text: string, candidates: ReadonlySet<string>): ChainTexts {
  const out: ChainTexts = new Map();
  let table = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1);
    else if (line.startsWith(":")) {
      const chain = line.slice(1, line.indexOf(" "));
      if (candidates.has(chain)) out.set(`${table}/${chain}`, out.get(`${table}/${chain}`) ?? "");
    } else if (line.startsWith("-A ")) {
      const chain = line.slice(3, line.indexOf(" ", 3));
      if (!candidates.has(chain)) continue;
      const key = `${table}/${chain}`;
      out.set(key, (out.get(key) ?? "") + line + "\n");
    }
  }
  return out;
}

/**
 * Drops the candidate chains whose rules equal `previous` (chain line and rules together).
 * Everything else is kept in order, byte for byte.
 */
export function omitUnchangedChains(text: string, previous: ReadonlyMap<string, string>, candidates: ReadonlySet<string>): RestoreDelta {
  const written = chainTexts(text, candidates);
  const unchanged = new Set<string>();
  for (const [key, rules] of written) if (previous.get(key) === rules) unchanged.add(key);
  if (unchanged.size === 0) return { text, written, omitted: [] };
  const kept: string[] = [];
  let table = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1);
    let chain: string | undefined;
    if (line.startsWith(":")) chain = line.slice(1, line.indexOf(" "));
    else if (line.startsWith("-A ")) chain = line.slice(3, line.indexOf(" ", 3));
    if (chain !== undefined && unchanged.has(`${table}/${chain}`)) continue;
    kept.push(line);
  }
  return { text: kept.join("\n"), written, omitted: [...unchanged].sort() };
}
