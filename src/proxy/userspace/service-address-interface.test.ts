import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { IpCommand } from "./service-address-interface.js";
import { DummyInterfaceAddresses, cleanupUserspace } from "./service-address-interface.js";

/** An `ip` that keeps one interface's addresses in memory and records every call. */
class FakeIp implements IpCommand {
  readonly calls: string[] = [];
  readonly batches: string[] = [];
  link: string | undefined;
  readonly addresses = new Set<string>();
  constructor(readonly knownTypes: string[] = ["dummy", "bridge"]) {}

  async ip(args: readonly string[]): Promise<string> {
    this.calls.push(args.join(" "));
    const [a, b, c, d, e] = args;
    if (a === "link" && b === "show") {
      if (this.link !== d) throw new Error(`Device "${d}" does not exist.`);
      return `7: ${d}: <BROADCAST,NOARP,UP>`;
    }
    if (a === "link" && b === "add") {
      if (!this.knownTypes.includes(e)) throw new Error("Error: Unknown device type.");
      this.link = c;
      return "";
    }
    if (a === "link" && b === "del") {
      this.link = undefined;
      this.addresses.clear();
      return "";
    }
    if (a === "link" && b === "set") return "";
    if (a === "-o" && b === "-4") return [...this.addresses].map((x) => `7: ${this.link}    inet ${x}/32 scope global ${this.link}\\       valid_lft forever`).join("\n");
    if (a === "-force" && b === "-batch") {
      const text = readFileSync(c, "utf8");
      this.batches.push(text);
      for (const line of text.split("\n").filter(Boolean)) {
        const [, op, cidr] = line.split(" ");
        if (op === "add") this.addresses.add(cidr.replace("/32", ""));
        else this.addresses.delete(cidr.replace("/32", ""));
      }
      return "";
    }
    throw new Error(`unexpected ip ${args.join(" ")}`);
  }
}

test("creates the interface on the first sync, falling back to a bridge without the dummy driver", async () => {
  const cases: { name: string; types: string[]; want: string }[] = [
    { name: "dummy driver present", types: ["dummy", "bridge"], want: "link add svcnet-svc0 type dummy" },
    { name: "no dummy driver", types: ["bridge"], want: "link add svcnet-svc0 type bridge" },
  ];
  for (const c of cases) {
    const ip = new FakeIp(c.types);
    const iface = new DummyInterfaceAddresses({ ip });
    const r = await iface.sync(new Set(["10.0.0.252", "10.0.0.10"]), false);
    assert.ok(ip.calls.includes(c.want), `${c.name}: ${ip.calls.join(" | ")}`);
    assert.deepEqual(r, { added: ["10.0.0.10", "10.0.0.252"], removed: [] });
    assert.deepEqual([...ip.addresses].sort(), ["10.0.0.10", "10.0.0.252"]);
  }
});

test("partial syncs change only the difference in one batch; full syncs re-read and repair drift", async () => {
  const ip = new FakeIp();
  const iface = new DummyInterfaceAddresses({ ip, name: "svu1" });
  await iface.sync(new Set(["10.0.0.1", "10.0.0.2"]), true);
  ip.batches.length = 0;
  const r = await iface.sync(new Set(["10.0.0.2", "10.0.0.3"]), false);
  assert.deepEqual(r, { added: ["10.0.0.3"], removed: ["10.0.0.1"] });
  assert.deepEqual(ip.batches, ["address del 10.0.0.1/32 dev svu1\naddress add 10.0.0.3/32 dev svu1\n"]);
  // Nothing to change: no batch at all.
  ip.batches.length = 0;
  assert.deepEqual(await iface.sync(new Set(["10.0.0.2", "10.0.0.3"]), false), { added: [], removed: [] });
  assert.deepEqual(ip.batches, []);
  // Someone removed an address and added a foreign one: a full sync repairs both.
  ip.addresses.delete("10.0.0.2");
  ip.addresses.add("10.0.0.99");
  assert.deepEqual(await iface.sync(new Set(["10.0.0.2", "10.0.0.3"]), true), { added: ["10.0.0.2"], removed: ["10.0.0.99"] });
  // The interface deleted behind our back: not intact; the next full sync recreates it.
  ip.link = undefined;
  ip.addresses.clear();
  assert.equal(await iface.intact(), false);
  await iface.sync(new Set(["10.0.0.2"]), true);
  assert.equal(ip.link, "svu1");
  assert.deepEqual([...ip.addresses], ["10.0.0.2"]);
});

test("cleanupUserspace deletes a leftover interface and says whether there was one", async () => {
  const ip = new FakeIp();
  assert.equal(await cleanupUserspace(ip), false);
  await new DummyInterfaceAddresses({ ip }).sync(new Set(["10.0.0.1"]), true);
  assert.equal(await cleanupUserspace(ip), true);
  assert.equal(ip.link, undefined);
});
