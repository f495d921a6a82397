// JSON text as Go's encoding/json writes it for an unstructured value, which is what a custom
// resource's printer column shows for a list or an object (`["172.17.8.201-172.17.8.250"]`):
// compact, object keys sorted, and <, >, &, U+2028 and U+2029 escaped as \u003c and so on.

const escapes: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The Go json.Marshal text of a JSON value. */
export function goJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]);
}
