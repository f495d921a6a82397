// The order of a merged list after a strategic merge patch: elements named in the patch (or its
// $setElementOrder list) follow the patch's order, elements only the server had keep their
// relative order, and the two runs are interleaved using the order of the live list.

import type { JsonValue } from "../../api/json.js";

/** What identifies an element: its merge-key value for objects, the value itself for primitives. */
export type Identity = (el: JsonValue) => unknown;

function positions(list: readonly JsonValue[], id: Identity): Map<unknown, number> {
  const pos = new Map<unknown, number>();
  list.forEach((el, i) => {
    const k = id(el);
    if (!pos.has(k)) pos.set(k, i);
  });
  return pos;
}

function sortedBy(items: JsonValue[], order: readonly JsonValue[], id: Identity): JsonValue[] {
  const pos = positions(order, id);
  const rank = (el: JsonValue): number => pos.get(id(el)) ?? Number.MAX_SAFE_INTEGER;
  return items
    .map((el, i) => ({ el, i }))
    .sort((a, b) => rank(a.el) - rank(b.el) || a.i - b.i)
    .map((x) => x.el);
}

/**
 * Orders `merged`: the elements whose identity appears in `patchOrder` sorted by it, the rest
 * sorted by `serverOrder`; then merged so that a server-only element goes before a patch element
 * exactly when both appear in `serverOrder` and it came first there.
 */
export function orderMerged(merged: readonly JsonValue[], patchOrder: readonly JsonValue[], serverOrder: readonly JsonValue[], id: Identity): JsonValue[] {
  const inPatch = new Set(patchOrder.map(id));
  const fromPatch = sortedBy(
    merged.filter((el) => inPatch.has(id(el))),
    patchOrder,
    id,
  );
  const serverOnly = sortedBy(
    merged.filter((el) => !inPatch.has(id(el))),
    serverOrder,
    id,
  );
  const live = positions(serverOrder, id);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(fromPatch[j++]);
    else {
      const li = live.get(id(serverOnly[i]));
      const ri = live.get(id(fromPatch[j]));
      if (li !== undefined && ri !== undefined && li < ri) out.push(serverOnly[i++]);
      else out.push(fromPatch[j++]);
    }
  }
  return out;
}
