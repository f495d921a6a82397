// A canonical order for iptables-restore text, so outputs can be compared whatever order the
// services were processed in. This follows the normalisation upstream's proxier tests apply
// (`sortIPTablesRules`), so their golden outputs can be compared with ours:
//   - tables by name (filter before nat);
//   - chains: KUBE-NODEPORTS, then KUBE-SERVICES, then other KUBE-* chains by name, then the rest
//     by name; each chain's rules are printed together, in chain order, after all chain lines;
//   - the rules of KUBE-NODEPORTS and KUBE-SERVICES (in every table) stably sorted by the
//     service name at the start of their comment, with nat's "must be the last rule" rule last;
//   - `-X` lines last in their table.
// Rules keep their text and, within a service, their relative order.

export interface RestoreRule {
  /** The rule line as written (`-A CHAIN …`). */
  raw: string;
  /** Value of `--comment`, without quotes; undefined when the rule has none. */
  comment?: string;
}

export interface RestoreChain {
  name: string;
  packets: number;
  bytes: number;
  rules: RestoreRule[];
  /** The input held `-X NAME` for this chain. */
  deleted: boolean;
}

export interface RestoreTable {
  name: string;
  chains: RestoreChain[];
}

export class RestoreParseError extends Error {
  override readonly name = "RestoreParseError";
  readonly code = "RestoreParseError";
  readonly lineNumber: number;

  constructor(lineNumber: number, message: string) {
    super(`line ${lineNumber}: ${message}`);
    this.lineNumber = lineNumber;
  }
}

/** Splits a rule into words; a double-quoted string is one word (quotes removed). */
export function ruleWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2]);
  return words;
}

/** The `--comment` value of a rule line, unquoted. */
export function ruleComment(line: string): string | undefined {
  const words = ruleWords(line);
  const at = words.indexOf("--comment");
  return at >= 0 && at + 1 < words.length ? words[at + 1] : undefined;
}

const tableLine = /^\*(\S+)$/;
const chainDeclaration = /^:(\S+) - \[(\d+):(\d+)\]$/;
const appendLine = /^-A (\S+) /;
const deleteLine = /^-X (\S+)$/;

/**
 * Parses iptables-restore input (or iptables-save output): each table is `*name`, its chain
 * lines, then `-A`/`-X` lines, then COMMIT. Rules for undeclared chains are an error.
 */
export function parseRestoreInput(text: string): RestoreTable[] {
  const tables: RestoreTable[] = [];
  let table: RestoreTable | undefined;
  let declaring = false;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const lineNumber = i + 1;
    if (line === "" || line.startsWith("#")) continue;
    if (table === undefined) {
      const match = tableLine.exec(line);
      if (!match) throw new RestoreParseError(lineNumber, `expected a table (*name), got ${JSON.stringify(line)}`);
      table = { name: match[1], chains: [] };
      tables.push(table);
      declaring = true;
      continue;
    }
    const declaration = chainDeclaration.exec(line);
    if (declaring && declaration) {
      table.chains.push({ name: declaration[1], packets: Number(declaration[2]), bytes: Number(declaration[3]), rules: [], deleted: false });
      continue;
    }
    declaring = false;
    const chainOf = (name: string): RestoreChain => {
      const chain = table?.chains.find((c) => c.name === name);
      if (!chain) throw new RestoreParseError(lineNumber, `chain ${name} was not declared in table ${table?.name}`);
      return chain;
    };
    const append = appendLine.exec(line);
    const deletion = deleteLine.exec(line);
    if (append) {
      const chain = chainOf(append[1]);
      if (chain.deleted) throw new RestoreParseError(lineNumber, `rule added to deleted chain ${chain.name}`);
      chain.rules.push({ raw: line, comment: ruleComment(line) });
    } else if (deletion) {
      const chain = chainOf(deletion[1]);
      if (chain.rules.length > 0) throw new RestoreParseError(lineNumber, `chain ${chain.name} deleted after rules were added`);
      chain.deleted = true;
    } else if (line === "COMMIT") {
      table = undefined;
    } else {
      throw new RestoreParseError(lineNumber, `cannot parse ${JSON.stringify(line)}`);
    }
  }
  if (table !== undefined) throw new RestoreParseError(lines.length, `table ${table.name} has no COMMIT`);
  return tables;
}

/** Prints tables back: chain lines, then every chain's rules in chain order, then `-X` lines. */
export function formatRestoreInput(tables: readonly RestoreTable[]): string {
  let out = "";
  for (const table of tables) {
    out += `*${table.name}\n`;
    for (const chain of table.chains) out += `:${chain.name} - [${chain.packets}:${chain.bytes}]\n`;
    for (const chain of table.chains) for (const rule of chain.rules) out += `${rule.raw}\n`;
    for (const chain of table.chains) if (chain.deleted) out += `-X ${chain.name}\n`;
    out += "COMMIT\n";
  }
  return out;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function chainRank(name: string): number {
  if (name === "KUBE-NODEPORTS") return 0;
  if (name === "KUBE-SERVICES") return 1;
  return name.startsWith("KUBE-") ? 2 : 3;
}

/** The service a rule belongs to: its comment up to the first space or colon. */
function commentServiceName(rule: RestoreRule): string | undefined {
  if (rule.comment === undefined) return undefined;
  const end = rule.comment.search(/[ :]/);
  return end < 0 ? rule.comment : rule.comment.slice(0, end);
}

function compareByServiceName(a: RestoreRule, b: RestoreRule): number {
  const nameA = commentServiceName(a);
  const nameB = commentServiceName(b);
  // Rules without a comment keep their place relative to the others, as upstream's comparator does.
  if (nameA === undefined || nameB === undefined) return 0;
  return byName(nameA, nameB);
}

const isLastRule = (rule: RestoreRule): boolean => rule.comment?.includes("must be the last rule") ?? false;

/** Puts restore text in upstream's canonical test order (see the file comment). */
export function normaliseRules(text: string): string {
  const tables = parseRestoreInput(text);
  tables.sort((a, b) => byName(a.name, b.name));
  for (const table of tables) {
    table.chains.sort((a, b) => chainRank(a.name) - chainRank(b.name) || byName(a.name, b.name));
    if (table.name !== "filter" && table.name !== "nat") continue;
    for (const chain of table.chains) {
      if (chain.name === "KUBE-NODEPORTS" || (chain.name === "KUBE-SERVICES" && table.name !== "nat")) {
        chain.rules.sort(compareByServiceName);
      } else if (chain.name === "KUBE-SERVICES") {
        chain.rules.sort((a, b) => Number(isLastRule(a)) - Number(isLastRule(b)) || compareByServiceName(a, b));
      }
    }
  }
  return formatRestoreInput(tables);
}
