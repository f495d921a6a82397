// JSON Pointer (RFC 6901) parsing, as JSON patch paths use it.

/** Splits a pointer into unescaped reference tokens: `/a~1b/c~0d` → `["a/b", "c~d"]`; `""` → `[]`. Undefined when it does not start with "/". */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Escapes one reference token: `a/b~c` → `a~1b~0c`. */
export function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** An array index token per RFC 6901: `0` or digits without a leading zero. Undefined otherwise. */
export function arrayIndex(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}
