// Label maps and label selectors rendered as the printers do (labels.FormatLabels,
// metav1.LabelSelectorAsSelector(...).String(), metav1.FormatLabelSelector).

/** metav1.LabelSelector as it appears on the wire (apps/v1 workloads). */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

/** One matchExpressions entry. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

/** Byte-wise string order, as Go's sort of strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `k=v` pairs sorted by key and joined with `,`; `<none>` for a missing or empty map. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort(compareStrings);
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels?.[k] ?? ""}`).join(",");
}

interface Requirement {
  key: string;
  text: string;
}

function requirement(expr: LabelSelectorRequirement): Requirement | undefined {
  const values = [...(expr.values ?? [])].sort(compareStrings);
  switch (expr.operator) {
    case "In":
      return values.length === 0 ? undefined : { key: expr.key, text: `${expr.key} in (${values.join(",")})` };
    case "NotIn":
      return values.length === 0 ? undefined : { key: expr.key, text: `${expr.key} notin (${values.join(",")})` };
    case "Exists":
      return values.length !== 0 ? undefined : { key: expr.key, text: expr.key };
    case "DoesNotExist":
      return values.length !== 0 ? undefined : { key: expr.key, text: `!${expr.key}` };
    default:
      return undefined;
  }
}

/**
 * The selector string of a metav1.LabelSelector: requirements (matchLabels as `k=v`, then
 * expressions as `k in (a,b)`, `k notin (a,b)`, `k`, `!k`) sorted by key and joined with `,`.
 * A missing or empty selector gives "". Returns undefined when the selector is invalid (an
 * unknown operator, or values that do not fit the operator).
 */
export function labelSelectorString(selector: LabelSelector | null | undefined): string | undefined {
  if (selector === null || selector === undefined) return "";
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const expr of selector.matchExpressions ?? []) {
    const r = requirement(expr);
    if (r === undefined) return undefined;
    reqs.push(r);
  }
  reqs.sort((a, b) => compareStrings(a.key, b.key));
  return reqs.map((r) => r.text).join(",");
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return "<error>";
  return s === "" ? "<none>" : s;
}
