import { test } from "node:test";
import assert from "node:assert/strict";
import { generateModernRules } from "../src/proxy/iptables/modern-rules.js";
import { FILLER_ENDPOINTS, TARGET_SERVICE, benchNodeConfig, firstPacketState, kubeServicesPosition } from "./first-packet-services.js";

const backend = [
  { ip: "10.1.201.2", port: 8080 },
  { ip: "10.1.201.2", port: 8081 },
];

test("firstPacketState: fillers plus the target, with the target's endpoints", async (t) => {
  const cases: { name: string; services: number; wantFillers: number }[] = [
    { name: "one service: the target alone", services: 1, wantFillers: 0 },
    { name: "fifty services: 49 fillers", services: 50, wantFillers: 49 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const state = firstPacketState(c.services, backend);
      assert.equal(state.services.size, c.services);
      const target = [...state.services.entries()].find(([, s]) => s.clusterIP === TARGET_SERVICE.clusterIP);
      assert.ok(target, "the target service is there");
      assert.deepEqual(
        state.endpoints.get(target[0])?.map((e) => e.endpoint),
        ["10.1.201.2:8080", "10.1.201.2:8081"],
      );
      const fillers = [...state.services.keys()].filter((k) => k !== target[0]);
      assert.equal(fillers.length, c.wantFillers);
      for (const k of fillers) assert.equal(state.endpoints.get(k)?.length, FILLER_ENDPOINTS);
      assert.equal(new Set([...state.services.values()].map((s) => s.clusterIP)).size, c.services, "ClusterIPs are distinct");
    });
  }
});

test("firstPacketState: rejects impossible input", async (t) => {
  const cases: { name: string; services: number; target: typeof backend; want: RegExp }[] = [
    { name: "no services", services: 0, target: backend, want: /services must be/ },
    { name: "fractional", services: 2.5, target: backend, want: /services must be/ },
    { name: "no target endpoints", services: 3, target: [], want: /at least one endpoint/ },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(() => firstPacketState(c.services, c.target), c.want));
});

test("the target's KUBE-SERVICES rule comes last, before only the NodePorts catch-all", async (t) => {
  for (const services of [1, 2, 300]) {
    await t.test(`${services} services`, () => {
      const text = generateModernRules(firstPacketState(services, backend), benchNodeConfig()).text;
      assert.deepEqual(kubeServicesPosition(text, TARGET_SERVICE.clusterIP), { position: services, rules: services + 1 });
    });
  }
});

test("kubeServicesPosition: restore input and iptables -S output alike", async (t) => {
  const cases: { name: string; text: string; want: ReturnType<typeof kubeServicesPosition> }[] = [
    {
      name: "restore input (no /32)",
      text: "-A KUBE-SERVICES -p tcp -d 10.0.0.1 --dport 80 -j KUBE-SVC-A\n-A KUBE-SERVICES -p tcp -d 10.0.0.2 --dport 80 -j KUBE-SVC-B\n",
      want: { position: 2, rules: 2 },
    },
    {
      name: "iptables -S output (/32), other chains ignored",
      text: "-N KUBE-SERVICES\n-A KUBE-SVC-A -d 10.0.0.2/32 -j X\n-A KUBE-SERVICES -d 10.0.0.2/32 -p tcp -j KUBE-SVC-B\n-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n",
      want: { position: 1, rules: 2 },
    },
    { name: "a longer address with the same prefix is not a match", text: "-A KUBE-SERVICES -d 10.0.0.20/32 -j X\n", want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(kubeServicesPosition(c.text, "10.0.0.2"), c.want));
});
