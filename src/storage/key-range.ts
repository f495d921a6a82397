// Key ordering and prefix ranges shared by every store engine. Keys are compared by Unicode code
// point, which is the byte order of their UTF-8 encoding: the order SQLite (BINARY collation)
// and etcd use. Plain `<` on JS strings compares UTF-16 code units, which differs for characters
// above U+FFFF, so the stores use `compareKeys` instead.

/** Orders two keys by code point (= UTF-8 byte order); negative, zero or positive like `sort`. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitWeight(x) - unitWeight(y);
  }
  return a.length - b.length;
}

// Surrogate halves encode code points above U+FFFF, so they must sort after U+E000..U+FFFF.
function unitWeight(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}

/**
 * The smallest string that sorts after every string starting with `prefix`, or undefined when
 * there is none (the empty prefix, or a prefix made only of U+10FFFF). Keys under `prefix` are
 * exactly those with `prefix <= key < prefixEnd(prefix)`.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop() as string;
    const code = last.codePointAt(0) as number;
    if (code < 0x10ffff) {
      // Skip the surrogate block: it holds no code points of its own.
      const next = code + 1 === 0xd800 ? 0xe000 : code + 1;
      return points.join("") + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/**
 * The first key a paged list under `prefix` should read: the later of the prefix itself and
 * `startKey` (a startKey below the prefix does not widen the range).
 */
export function rangeStart(prefix: string, startKey: string | undefined): string {
  if (startKey === undefined || compareKeys(startKey, prefix) < 0) return prefix;
  return startKey;
}
