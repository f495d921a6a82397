import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod, Service } from "../../api/types.js";
import { selectedPods, shouldPodBeInEndpoints, shouldSetHostname } from "./pod-membership.js";
import { makePod, makeService } from "./test-fixtures.js";

test("shouldPodBeInEndpoints", async (t) => {
  const cases: { name: string; edit?: (p: Pod) => void; includeTerminating: boolean; want: boolean }[] = [
    { name: "running pod with IP", includeTerminating: false, want: true },
    { name: "no IP yet", edit: (p) => void (p.status = { phase: "Pending" }), includeTerminating: true, want: false },
    { name: "only podIP (no podIPs) still counts", edit: (p) => void (p.status = { phase: "Running", podIP: "10.1.13.9" }), includeTerminating: false, want: true },
    { name: "succeeded pod is terminal", edit: (p) => void (p.status = { ...p.status, phase: "Succeeded" }), includeTerminating: true, want: false },
    { name: "failed pod is terminal", edit: (p) => void (p.status = { ...p.status, phase: "Failed" }), includeTerminating: true, want: false },
    { name: "terminating pod excluded", edit: (p) => void (p.metadata.deletionTimestamp = "2024-05-01T11:00:00Z"), includeTerminating: false, want: false },
    { name: "terminating pod included on request", edit: (p) => void (p.metadata.deletionTimestamp = "2024-05-01T11:00:00Z"), includeTerminating: true, want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(shouldPodBeInEndpoints(makePod("default", "p", c.edit), c.includeTerminating), c.want));
});

test("selectedPods", async (t) => {
  const pods = [
    makePod("default", "a"),
    makePod("default", "b", (p) => void (p.metadata.labels = { app: "other" })),
    makePod("kube-system", "c"),
    makePod("default", "d", (p) => void (p.metadata.labels = { app: "nginx", tier: "web" })),
  ];
  const cases: { name: string; edit?: (s: Service) => void; want: string[] }[] = [
    { name: "selector matches by labels within the namespace", want: ["a", "d"] },
    { name: "no selector selects nothing", edit: (s) => void delete s.spec.selector, want: [] },
    { name: "empty selector selects every pod of the namespace", edit: (s) => void (s.spec.selector = {}), want: ["a", "b", "d"] },
    { name: "all selector labels must match", edit: (s) => void (s.spec.selector = { app: "nginx", tier: "web" }), want: ["d"] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = selectedPods(makeService("default", "nginx-service", c.edit), pods).map((p) => p.metadata.name);
      assert.deepEqual(got, c.want);
    });
  }
});

test("shouldSetHostname", async (t) => {
  const cases: { name: string; edit: (p: Pod) => void; want: boolean }[] = [
    { name: "hostname and subdomain = service name", edit: (p) => Object.assign(p.spec, { hostname: "web-0", subdomain: "nginx-service" }), want: true },
    { name: "subdomain names another service", edit: (p) => Object.assign(p.spec, { hostname: "web-0", subdomain: "other" }), want: false },
    { name: "no hostname", edit: (p) => Object.assign(p.spec, { subdomain: "nginx-service" }), want: false },
    { name: "other namespace", edit: (p) => (Object.assign(p.spec, { hostname: "web-0", subdomain: "nginx-service" }), (p.metadata.namespace = "x")), want: false },
  ];
  const svc = makeService("default", "nginx-service");
  for (const c of cases) await t.test(c.name, () => assert.equal(shouldSetHostname(makePod("default", "p", c.edit), svc), c.want));
});
