// nft's language for a modelled rule: the text a trace shows for each step. Written the way
// `nft list` and our generator write rules (`ip daddr . meta l4proto . th dport vmap @service-ips`),
// so a rule read from the kernel and the same rule read from a script print alike.

import type { NftKey, NftMapElement, NftOperand, NftSelector, NftStatement, NftVerdict, ParsedNftRule } from "./nft-table-model.js";

const hex = (n: number): string => `0x${n.toString(16)}`;

export function selectorText(s: NftSelector): string {
  switch (s.kind) {
    case "payload":
      return `${s.protocol} ${s.field}`;
    case "meta":
      return s.key === "mark" ? "mark" : `meta ${s.key}`;
    case "ct":
      return `ct ${s.key}`;
    case "fib":
      return `fib ${s.flags.join(" . ")} ${s.result}`;
    case "numgen":
      return `numgen ${s.mode} mod ${s.mod}${s.offset !== 0 ? ` offset ${s.offset}` : ""}`;
    case "bitwise":
      return `${selectorText(s.left)} ${s.op} ${hex(s.right)}`;
    case "concat":
      return s.parts.map(selectorText).join(" . ");
  }
}

export function keyText(key: NftKey): string {
  return key.join(" . ");
}

export function verdictText(v: NftVerdict): string {
  return v.kind === "jump" || v.kind === "goto" ? `${v.kind} ${v.target}` : v.kind;
}

function operandText(o: NftOperand): string {
  switch (o.kind) {
    case "value":
      return keyText(o.key);
    case "set":
      return `{ ${o.elements.map(keyText).join(", ")} }`;
    case "set-ref":
      return `@${o.name}`;
  }
}

function mapElementsText(elements: readonly NftMapElement[]): string {
  return `{ ${elements.map((e) => `${keyText(e.key)} : ${verdictText(e.verdict)}`).join(", ")} }`;
}

export function statementText(s: NftStatement): string {
  switch (s.kind) {
    case "match":
      // `==` goes without saying, except after a bitwise expression (`mark and 0x4000 == 0`).
      return `${selectorText(s.left)} ${s.op === "!=" ? "!= " : s.left.kind === "bitwise" ? "== " : ""}${operandText(s.right)}`;
    case "vmap":
      return `${selectorText(s.key)} vmap ${s.map.kind === "set-ref" ? `@${s.map.name}` : mapElementsText(s.map.elements)}`;
    case "verdict":
      return verdictText(s.verdict);
    case "reject":
      return s.with === undefined ? "reject" : `reject with ${s.with}`;
    case "mark-set":
      return s.op === "set" ? `mark set ${hex(s.value)}` : `mark set mark ${s.op} ${hex(s.value)}`;
    case "dnat":
      return `dnat to ${s.addr}${s.port !== undefined ? `:${s.port}` : ""}`;
    case "masquerade":
      return ["masquerade", ...s.flags].join(" ");
    case "set-update":
      return `${s.op} @${s.set} { ${selectorText(s.key)} }`;
    case "counter":
      return "counter";
    case "unknown":
      return s.text;
  }
}

/** The rule's body as nft writes it, comment included. */
export function ruleText(rule: ParsedNftRule): string {
  const body = rule.statements.map(statementText).join(" ");
  return rule.comment === undefined ? body : `${body} comment ${JSON.stringify(rule.comment)}`;
}
