// Label selectors in the string form clients send (`app=nginx,tier!=db,env in (a,b),!canary`),
// parsed into requirements and matched against labels, as k8s.io/apimachinery/pkg/labels does.

export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  op: LabelOperator;
  values: string[];
}

export class SelectorParseError extends Error {
  readonly code = "SELECTOR_PARSE";
}

/** Everything matches the empty selector. */
export type LabelSelector = readonly LabelRequirement[];

type Token = { kind: "ident" | "op" | "(" | ")" | "," | "end"; text: string };

const opChars = "=!<>";

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ kind: c, text: c });
      i++;
      continue;
    }
    if (opChars.includes(c)) {
      let j = i;
      while (j < input.length && opChars.includes(input[j])) j++;
      out.push({ kind: "op", text: input.slice(i, j) });
      i = j;
      continue;
    }
    let j = i;
    while (j < input.length && !" \t(),".includes(input[j]) && !opChars.includes(input[j])) j++;
    out.push({ kind: "ident", text: input.slice(i, j) });
    i = j;
  }
  out.push({ kind: "end", text: "" });
  return out;
}

/** Parses a selector string; throws SelectorParseError with Kubernetes-like wording. */
export function parseLabelSelector(input: string): LabelSelector {
  const toks = tokenize(input);
  const reqs: LabelRequirement[] = [];
  let p = 0;
  const fail = (msg: string): never => {
    throw new SelectorParseError(`unable to parse requirement: ${msg}`);
  };
  if (toks[0].kind === "end") return reqs;
  for (;;) {
    let t = toks[p++];
    if (t.kind === "op" && t.text === "!") {
      const k = toks[p++];
      if (k.kind !== "ident") fail(`found '${k.text}', expected: identifier after '!'`);
      reqs.push({ key: validateKey(k.text, fail), op: "!", values: [] });
    } else {
      if (t.kind !== "ident") fail(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      const key = validateKey(t.text, fail);
      t = toks[p];
      if (t.kind === "," || t.kind === "end") {
        reqs.push({ key, op: "exists", values: [] });
      } else if (t.kind === "op") {
        p++;
        const op = t.text === "==" || t.text === "=" ? "=" : t.text === "!=" ? "!=" : t.text === ">" ? "gt" : t.text === "<" ? "lt" : undefined;
        if (!op) fail(`found '${t.text}', expected: '=', '!=', '==', 'in', notin'`);
        const v = toks[p];
        let value = "";
        if (v.kind === "ident") {
          value = v.text;
          p++;
        } else if (v.kind !== "," && v.kind !== "end") {
          fail(`found '${v.text}', expected: identifier`);
        }
        if ((op === "gt" || op === "lt") && !/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: op as LabelOperator, values: [validateValue(value, fail)] });
      } else if (t.kind === "ident" && (t.text === "in" || t.text === "notin")) {
        p++;
        if (toks[p++].kind !== "(") fail(`found '${toks[p - 1].text}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const v = toks[p];
          if (v.kind === ")") {
            p++;
            break;
          }
          if (v.kind === "ident") {
            values.push(validateValue(v.text, fail));
            p++;
          } else if (v.kind === ",") {
            if (toks[p - 1].kind === "," || toks[p - 1].kind === "(") values.push("");
          } else {
            fail(`found '${v.text}', expected: ',', ')' or identifier`);
          }
          if (toks[p].kind === ",") p++;
          else if (toks[p].kind !== ")") fail(`found '${toks[p].text}', expected: ',' or ')'`);
        }
        if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key, op: t.text, values });
      } else {
        fail(`found '${t.text}', expected: '=', '!=', '==', 'in', notin'`);
      }
    }
    const sep = toks[p++];
    if (sep.kind === "end") break;
    if (sep.kind !== ",") fail(`found '${sep.text}', expected: ',' or 'end of string'`);
  }
  return reqs;
}

const keyRe = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateKey(k: string, fail: (m: string) => never): string {
  const name = k.includes("/") ? k.slice(k.indexOf("/") + 1) : k;
  if (!keyRe.test(k) || name.length > 63) fail(`invalid label key "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  return k;
}

function validateValue(v: string, fail: (m: string) => never): string {
  if (v.length > 63 || !valueRe.test(v)) fail(`invalid label value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  return v;
}

/** A selector that matches exactly the given labels (RC and Service selectors). */
export function selectorFromMap(m: Record<string, string> | undefined): LabelSelector {
  return Object.entries(m ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => ({ key, op: "=" as const, values: [v] }));
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        if (!has || v !== r.values[0]) return false;
        break;
      case "!=":
        if (has && v === r.values[0]) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v)) return false;
        break;
      case "notin":
        if (has && r.values.includes(v)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
      case "gt":
      case "lt": {
        if (!has || !/^-?\d+$/.test(v)) return false;
        const a = Number(v);
        const b = Number(r.values[0]);
        if (r.op === "gt" ? !(a > b) : !(a < b)) return false;
        break;
      }
    }
  }
  return true;
}

/** The canonical string form (`app=nginx,tier!=db`), as `kubectl describe` prints selectors. */
export function formatLabelSelector(sel: LabelSelector): string {
  return sel
    .map((r) => {
      switch (r.op) {
        case "=":
        case "!=":
          return `${r.key}${r.op}${r.values[0]}`;
        case "in":
        case "notin":
          return `${r.key} ${r.op} (${r.values.join(",")})`;
        case "exists":
          return r.key;
        case "!":
          return `!${r.key}`;
        case "gt":
          return `${r.key}>${r.values[0]}`;
        case "lt":
          return `${r.key}<${r.values[0]}`;
      }
      return "";
    })
    .join(",");
}
