// Reads one table out of an `nft -f` script — the transaction the nftables proxier writes (what
// `svcnet rules --mode nftables` prints) — into the tracer's model, without a kernel: the commands
// are applied in order (add/create/delete/flush of the table, chains, sets, maps, rules and
// elements), so the result is the table the script would leave behind. One command per line, as
// the proxier writes them; commands for other tables are skipped.

import type { ParsedNftChain, ParsedNftSet, ParsedNftTable } from "./nft-table-model.js";
import { TokenCursor, atomOf, parseElements, parseRuleBody, tokenize } from "./nft-rule-parse.js";

/** A line of the script this reader cannot follow. */
export class NftScriptError extends Error {
  override readonly name = "NftScriptError";
  readonly code = "NftScriptInvalid";
}

/** nft's named priorities (ip family). */
const namedPriorities: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

function parsePriority(c: TokenCursor): number {
  const word = c.next();
  let value = namedPriorities[word] ?? Number(word);
  if ((c.peek() === "+" || c.peek() === "-") && /^\d+$/.test(c.peek(1) ?? "")) {
    const sign = c.next() === "+" ? 1 : -1;
    value += sign * Number(c.next());
  }
  if (!Number.isFinite(value)) throw new Error(`priority "${word}" is not a number or a known name`);
  return value;
}

/** `{ type filter hook prerouting priority -110 ; policy accept ; comment "…" ; }` */
function applyChainBlock(c: TokenCursor, chain: ParsedNftChain): void {
  c.expect("{");
  const base: Partial<NonNullable<ParsedNftChain["base"]>> = {};
  while (c.peek() !== "}") {
    const word = c.next();
    if (word === ";") continue;
    if (word === "type") base.type = c.next();
    else if (word === "hook") base.hook = c.next();
    else if (word === "priority") base.priority = parsePriority(c);
    else if (word === "policy") base.policy = c.next().replace(/;$/, "") === "drop" ? "drop" : "accept";
    else if (word === "comment" || word === "device") c.next();
    else throw new Error(`unknown chain property "${word}"`);
  }
  c.expect("}");
  if (base.hook !== undefined) chain.base = { type: base.type ?? "filter", hook: base.hook, priority: base.priority ?? 0, policy: base.policy ?? "accept" };
}

/** `{ type a . b [: verdict] ; flags x,y ; timeout 10s ; comment "…" ; elements = { … } ; }` */
function applySetBlock(c: TokenCursor, set: ParsedNftSet): void {
  c.expect("{");
  while (c.peek() !== "}") {
    const word = c.next();
    if (word === ";") continue;
    if (word === "type") {
      const types = [c.next()];
      while (c.peek() === ".") {
        c.next();
        types.push(c.next());
      }
      set.keyType = types;
      if (c.peek() === ":") {
        c.next();
        c.next(); // verdict
        set.map = true;
      }
    } else if (word === "flags") {
      const flags: string[] = [];
      while (c.peek() !== ";" && c.peek() !== "}") {
        const w = c.next();
        if (w !== ",") flags.push(w);
      }
      set.flags = flags;
    } else if (word === "elements") {
      c.expect("=");
      set.elements.push(...parseElements(c));
    } else if (word === "timeout" || word === "size" || word === "comment" || word === "policy" || word === "gc-interval") {
      c.next();
    } else {
      throw new Error(`unknown set property "${word}"`);
    }
  }
  c.expect("}");
}

const sameKey = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => atomOf(x) === atomOf(b[i]));

/** The table `family name` as the script leaves it. Throws NftScriptError naming the line it cannot read. */
export function parseNftScript(text: string, table: { family: string; name: string }): ParsedNftTable {
  const result: ParsedNftTable = { family: table.family, name: table.name, chains: new Map(), sets: new Map() };
  let exists = false;
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const c = new TokenCursor(tokenize(line));
    try {
      const verb = c.next();
      const object = c.next();
      if (object === "table") {
        if (c.next() !== table.family || c.next() !== table.name) return;
        if (verb === "add" || verb === "create") exists = true;
        else if (verb === "delete" || verb === "destroy") {
          exists = false;
          result.chains.clear();
          result.sets.clear();
        } else if (verb === "flush") {
          for (const chain of result.chains.values()) chain.rules = [];
          for (const set of result.sets.values()) set.elements = [];
        } else throw new Error(`unknown command "${verb} table"`);
        return;
      }
      if (c.next() !== table.family || c.next() !== table.name) return;
      if (!exists) throw new Error(`${verb} ${object} before "add table ${table.family} ${table.name}"`);
      const name = c.next();
      switch (`${verb} ${object}`) {
        case "add chain":
        case "create chain": {
          let chain = result.chains.get(name);
          if (!chain) result.chains.set(name, (chain = { name, rules: [] }));
          if (c.peek() === "{") applyChainBlock(c, chain);
          return;
        }
        case "flush chain":
          chainNamed(name).rules = [];
          return;
        case "delete chain":
          chainNamed(name);
          result.chains.delete(name);
          return;
        case "add set":
        case "create set":
        case "add map":
        case "create map": {
          let set = result.sets.get(name);
          if (!set) result.sets.set(name, (set = { name, map: object === "map", keyType: [], flags: [], elements: [] }));
          if (c.peek() === "{") applySetBlock(c, set);
          return;
        }
        case "delete set":
        case "delete map":
          result.sets.delete(name);
          return;
        case "flush set":
        case "flush map":
          setNamed(name).elements = [];
          return;
        case "add rule":
        case "insert rule": {
          const rule = parseRuleBody(new TokenCursor(c.tokens.slice(c.pos)));
          const chain = chainNamed(name);
          if (verb === "add") chain.rules.push(rule);
          else chain.rules.unshift(rule);
          return;
        }
        case "add element":
        case "create element": {
          const set = setNamed(name);
          for (const element of parseElements(c)) {
            set.elements = set.elements.filter((e) => !sameKey(e.key, element.key));
            set.elements.push(element);
          }
          return;
        }
        case "delete element": {
          const set = setNamed(name);
          for (const element of parseElements(c)) set.elements = set.elements.filter((e) => !sameKey(e.key, element.key));
          return;
        }
        default:
          throw new Error(`unknown command "${verb} ${object}"`);
      }
    } catch (e) {
      throw new NftScriptError(`line ${index + 1}: ${e instanceof Error ? e.message : String(e)}: ${line}`);
    }
  });
  if (!exists) throw new NftScriptError(`the script leaves no table ${table.family} ${table.name}`);
  return result;

  function chainNamed(name: string): ParsedNftChain {
    const chain = result.chains.get(name);
    if (!chain) throw new Error(`no chain "${name}"`);
    return chain;
  }
  function setNamed(name: string): ParsedNftSet {
    const set = result.sets.get(name);
    if (!set) throw new Error(`no set or map "${name}"`);
    return set;
  }
}
