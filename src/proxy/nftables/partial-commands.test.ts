// The shapes a partial sync writes rules and elements in: chain blocks and set/map re-declarations
// with an element list, declared exactly as the full sync declares the containers.

import assert from "node:assert/strict";
import { test } from "node:test";
import { baseRuleLines } from "./base-rules.js";
import { makeNodeAConfig } from "../iptables/testdata/nginx-fixtures.js";
import { chainBlock, elementText, elementsBlock } from "./partial-commands.js";

test("chainBlock: one rule per line inside `add chain … { }`; nothing without rules", () => {
  const cases: { name: string; rules: string[]; want: string[] }[] = [
    { name: "no rules", rules: [], want: [] },
    { name: "one rule", rules: ["jump mark-for-masquerade"], want: ["add chain ip kube-proxy c {", "\tjump mark-for-masquerade", "}"] },
    {
      name: "two rules, in order",
      rules: ["ip saddr 10.1.13.2 jump mark-for-masquerade", "meta l4proto tcp dnat to 10.1.13.2:80"],
      want: ["add chain ip kube-proxy c {", "\tip saddr 10.1.13.2 jump mark-for-masquerade", "\tmeta l4proto tcp dnat to 10.1.13.2:80", "}"],
    },
  ];
  for (const c of cases) assert.deepEqual(chainBlock("c", c.rules), c.want, c.name);
  assert.throws(() => chainBlock("c", ["accept\naccept"]), /spans lines/);
});

test("elementText: key, then comment, then verdict (as `add element` writes them)", () => {
  const cases: { e: Parameters<typeof elementText>[0]; want: string }[] = [
    { e: { key: "10.0.0.252" }, want: "10.0.0.252" },
    { e: { key: "tcp . 30802", value: "goto external-x" }, want: "tcp . 30802 : goto external-x" },
    { e: { key: "10.0.0.252 . tcp . 8000", value: "drop", comment: "default/nginx" }, want: '10.0.0.252 . tcp . 8000 comment "default/nginx" : drop' },
  ];
  for (const c of cases) assert.equal(elementText(c.e), c.want);
});

test("elementsBlock re-declares the container exactly as the full sync does, plus the elements", () => {
  const declarations = baseRuleLines(makeNodeAConfig()).filter((l) => /^add (set|map) /.test(l));
  for (const name of ["cluster-ips", "service-ips", "service-nodeports", "firewall-ips", "no-endpoint-services", "no-endpoint-nodeports"]) {
    const declared = declarations.find((l) => l.split(" ")[4] === name);
    assert.ok(declared, name);
    const [line] = elementsBlock(name, [{ key: "k1" }, { key: "k2", value: "drop" }]);
    assert.equal(line, declared.replace(/ }$/, " elements = { k1, k2 : drop } ; }"), name);
  }
  assert.deepEqual(elementsBlock("service-ips", []), []);
  assert.throws(() => elementsBlock("no-such-map", [{ key: "k" }]), /no shared set or map/);
});
