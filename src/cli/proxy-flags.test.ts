import assert from "node:assert/strict";
import { test } from "node:test";
import { FlagError, TRACE_MODES, checkMode, nodeConfigFromFlags } from "./proxy-flags.js";

const values = { mode: "iptables", "rules-profile": "modern", "node-name": "node-a", "node-ip": "192.168.0.10", "cluster-cidr": "", "masquerade-all": false, "nodeport-addresses": "", "ip-family": "IPv4" };

test("--mode: each command says which modes it supports", async (t) => {
  const cases: { name: string; value: string; supported?: ("iptables" | "nftables" | "userspace")[]; flag?: string; want: string | RegExp }[] = [
    { name: "iptables by default", value: "iptables", want: "iptables" },
    { name: "nftables where supported", value: "nftables", supported: ["iptables", "nftables"], want: "nftables" },
    { name: "nftables refused where not (the default: iptables only)", value: "nftables", want: /--mode "nftables" is not available yet: use "iptables"$/ },
    { name: "svcnet trace walks nftables rules", value: "nftables", supported: [...TRACE_MODES], want: "nftables" },
    { name: "svcnet trace walks iptables rules", value: "iptables", supported: [...TRACE_MODES], want: "iptables" },
    { name: "svcnet trace: userspace mode has no rules to walk", value: "userspace", supported: [...TRACE_MODES], want: /^--mode "userspace" is not available yet: use "iptables" or "nftables"$/ },
    { name: "unknown mode", value: "ipvs", supported: ["iptables", "nftables"], want: /use "iptables" or "nftables"/ },
    { name: "the flag's own name (svcnet up --proxy-mode)", value: "ipvs", supported: ["iptables", "nftables", "userspace"], flag: "--proxy-mode", want: /^--proxy-mode "ipvs" is not available yet: use "iptables" or "nftables" or "userspace"$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (typeof c.want === "string") assert.equal(checkMode(c.value, c.supported, c.flag), c.want);
      else assert.throws(() => checkMode(c.value, c.supported, c.flag), (e: unknown) => e instanceof FlagError && (c.want as RegExp).test(e.message));
    });
  }
});

test("nodeConfigFromFlags passes the modes on", () => {
  assert.equal(nodeConfigFromFlags({ ...values, mode: "nftables" }, ["iptables", "nftables"]).nodeName, "node-a");
  assert.throws(() => nodeConfigFromFlags({ ...values, mode: "nftables" }), FlagError);
});

test("--ip-family and --cluster-cidr: IPv6 in nftables mode only, one pod range per family", async (t) => {
  const both: ("iptables" | "nftables")[] = ["iptables", "nftables"];
  const cases: { name: string; edit: Partial<typeof values>; want: "IPv4" | "IPv6" | RegExp }[] = [
    { name: "IPv4 by default", edit: {}, want: "IPv4" },
    { name: "IPv6 with nftables", edit: { mode: "nftables", "ip-family": "IPv6" }, want: "IPv6" },
    { name: "IPv6 refused with iptables", edit: { "ip-family": "IPv6" }, want: /^--ip-family IPv6 needs --mode nftables \(the iptables mode serves IPv4 only\)$/ },
    { name: "not a family", edit: { "ip-family": "ipv6" }, want: /^--ip-family must be IPv4 or IPv6, got "ipv6"$/ },
    { name: "a pod range per family", edit: { mode: "nftables", "cluster-cidr": "10.1.0.0/16, fd00:10:1::/56" }, want: "IPv4" },
    { name: "a bad pod range among several", edit: { "cluster-cidr": "10.1.0.0/16,fd00::1" }, want: /^--cluster-cidr "fd00::1" is not a CIDR/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const v = { ...values, ...c.edit };
      if (typeof c.want === "string") assert.equal(nodeConfigFromFlags(v, both).ipFamily, c.want);
      else assert.throws(() => nodeConfigFromFlags(v, both), (e: unknown) => e instanceof FlagError && (c.want as RegExp).test(e.message));
    });
  }
});
