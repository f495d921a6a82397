import { test } from "node:test";
import assert from "node:assert/strict";
import type { ListenerSpec } from "./listener-plan.js";
import { diffAddresses, diffListeners, parseAddressListing } from "./reconcile-plan.js";
import { addressBatch } from "./service-address-interface.js";

function spec(key: string, ips: string[] = ["10.1.0.1"], sticky = 0): ListenerSpec {
  const [protocol, rest] = key.split("/") as ["TCP" | "UDP", string];
  const [address, port] = rest.split(":");
  return {
    key,
    protocol,
    address,
    port: Number(port),
    role: "cluster-ip",
    servicePortKey: "default/s:/TCP",
    serviceName: "default/s",
    pool: { key: "default/s:/TCP|cluster", stickySeconds: sticky, endpoints: ips.map((ip) => ({ endpoint: `${ip}:80`, ip, port: 80 })) },
  };
}

const map = (...specs: ListenerSpec[]): Map<string, ListenerSpec> => new Map(specs.map((s) => [s.key, s]));

test("diffListeners: open, close, update, unchanged", async (t) => {
  const cases: { name: string; current: Map<string, ListenerSpec>; desired: Map<string, ListenerSpec>; open: string[]; close: string[]; update: string[]; unchanged: number }[] = [
    { name: "first sync opens everything", current: map(), desired: map(spec("TCP/10.0.0.2:80"), spec("TCP/10.0.0.1:80")), open: ["TCP/10.0.0.1:80", "TCP/10.0.0.2:80"], close: [], update: [], unchanged: 0 },
    { name: "nothing changed", current: map(spec("TCP/10.0.0.1:80")), desired: map(spec("TCP/10.0.0.1:80")), open: [], close: [], update: [], unchanged: 1 },
    { name: "an endpoint left", current: map(spec("TCP/10.0.0.1:80", ["10.1.0.1", "10.1.0.2"])), desired: map(spec("TCP/10.0.0.1:80", ["10.1.0.1"])), open: [], close: [], update: ["TCP/10.0.0.1:80"], unchanged: 0 },
    { name: "affinity switched on", current: map(spec("TCP/10.0.0.1:80")), desired: map(spec("TCP/10.0.0.1:80", ["10.1.0.1"], 10800)), open: [], close: [], update: ["TCP/10.0.0.1:80"], unchanged: 0 },
    { name: "service gone, another came", current: map(spec("TCP/10.0.0.1:80")), desired: map(spec("UDP/10.0.0.1:80")), open: ["UDP/10.0.0.1:80"], close: ["TCP/10.0.0.1:80"], update: [], unchanged: 0 },
    { name: "endpoints to none is an update (the forwarder unbinds)", current: map(spec("TCP/10.0.0.1:80")), desired: map(spec("TCP/10.0.0.1:80", [])), open: [], close: [], update: ["TCP/10.0.0.1:80"], unchanged: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const d = diffListeners(c.current, c.desired);
      assert.deepEqual(d.open.map((s) => s.key), c.open);
      assert.deepEqual(d.close, c.close);
      assert.deepEqual(d.update.map((s) => s.key), c.update);
      assert.equal(d.unchanged, c.unchanged);
    });
  }
});

test("diffAddresses and the ip batch it turns into", () => {
  const d = diffAddresses(new Set(["10.0.0.1", "10.0.0.9"]), new Set(["10.0.0.1", "10.0.0.3", "10.0.0.2"]));
  assert.deepEqual(d, { add: ["10.0.0.2", "10.0.0.3"], remove: ["10.0.0.9"] });
  assert.equal(
    addressBatch("svcnet-svc0", d.add, d.remove),
    "address del 10.0.0.9/32 dev svcnet-svc0\naddress add 10.0.0.2/32 dev svcnet-svc0\naddress add 10.0.0.3/32 dev svcnet-svc0\n",
  );
});

test("parseAddressListing reads `ip -o -4 address show`", () => {
  const text = [
    "7: svcnet-svc0    inet 10.0.0.252/32 scope global svcnet-svc0\\       valid_lft forever preferred_lft forever",
    "7: svcnet-svc0    inet 10.0.0.10/32 scope global svcnet-svc0\\       valid_lft forever preferred_lft forever",
    "",
  ].join("\n");
  assert.deepEqual([...parseAddressListing(text)].sort(), ["10.0.0.10", "10.0.0.252"]);
  assert.deepEqual([...parseAddressListing("")], []);
});
