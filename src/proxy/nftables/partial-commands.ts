// How a partial sync writes rules and set/map elements: as a chain block (`add chain T C { rule …
// }`) and as a re-declaration of the shared set or map with an `elements = { … }` list. The kernel
// ends up with exactly what `add rule T C …` and `add element T S { … }` would give, but nft 1.0.6
// evaluates these two shapes with only its table cache, whereas `add rule` and `add element` make
// it dump every chain of the table first — a netlink dump the kernel serves in time quadratic in
// the number of chains (≈ 1.4 s at 10,000 services × 10 endpoints, for a 1.6 KB transaction).
// `delete …` commands still cost that dump in nft 1.0.6; there is no cheaper way to write them.
// Pure: text only.

import { containerLine, type TableOptions } from "./base-rules.js";
import { nftFamily } from "./nft-family.js";
import { ELEMENT_CONTAINERS } from "./nft-objects.js";

/** One element to add: key, optional comment and verdict (as `add element` writes them). */
export interface ElementToAdd {
  key: string;
  value?: string;
  comment?: string;
}

/**
 * `add chain T NAME {` + one rule per line + `}`: appends the rules to the chain (which must
 * exist, or be created earlier in the transaction; flush it first to replace its rules).
 * Empty when there are no rules. Rule bodies must not contain newlines. The table is the
 * family's (IPv4 when unset).
 */
export function chainBlock(name: string, rules: readonly string[], options: TableOptions = {}): string[] {
  if (rules.length === 0) return [];
  for (const rule of rules) if (rule.includes("\n")) throw new Error(`rule for ${name} spans lines: ${JSON.stringify(rule)}`);
  return [`add chain ${nftFamily(options.ipFamily).tableRef} ${name} {`, ...rules.map((rule) => `\t${rule}`), "}"];
}

/** One element inside an `elements = { … }` list: `key [comment "…"] [: verdict]`. */
export function elementText(e: ElementToAdd): string {
  const comment = e.comment !== undefined ? ` comment "${e.comment}"` : "";
  const value = e.value !== undefined ? ` : ${e.value}` : "";
  return `${e.key}${comment}${value}`;
}

/**
 * The shared set or map `container` declared as the full sync declares it, with `elements` added.
 * Empty when there is nothing to add. Adding a key that is already there with the same value is a
 * no-op (as with `add element`); with another value the kernel refuses, so delete it first.
 */
export function elementsBlock(container: string, elements: readonly ElementToAdd[], options: TableOptions = {}): string[] {
  if (elements.length === 0) return [];
  return [containerLine(container, elements.map(elementText).join(", "), options)];
}

/** Elements to add, gathered per shared set or map and written as one re-declaration each. */
export class ElementsByContainer {
  readonly #byContainer = new Map<string, ElementToAdd[]>();
  readonly #table: TableOptions;

  /** Elements for the table of `options.ipFamily` (IPv4 when unset). */
  constructor(options: TableOptions = {}) {
    this.#table = { ...options };
  }

  add(container: string, element: ElementToAdd): void {
    const list = this.#byContainer.get(container);
    if (list) list.push(element);
    else this.#byContainer.set(container, [element]);
  }

  /** One elementsBlock per container that got elements, in ELEMENT_CONTAINERS order. */
  blocks(): string[] {
    return ELEMENT_CONTAINERS.flatMap((container) => elementsBlock(container, this.#byContainer.get(container) ?? [], this.#table));
  }
}
