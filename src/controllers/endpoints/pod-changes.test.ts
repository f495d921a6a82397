import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod, Service } from "../../api/types.js";
import { podChange, serviceKeysForPods, serviceSelects } from "./pod-changes.js";
import { makePod, makeService, notReady, withIPs } from "./test-fixtures.js";

const bump = (p: Pod): void => void (p.metadata.resourceVersion = "11");

test("podChange", async (t) => {
  const cases: { name: string; edit: (p: Pod) => void; want: { labels: boolean; endpoints: boolean } }[] = [
    { name: "resync (same resourceVersion) matters not", edit: () => undefined, want: { labels: false, endpoints: false } },
    { name: "unrelated status write", edit: (p) => (bump(p), (p.status = { ...p.status, containerStatuses: [] })), want: { labels: false, endpoints: false } },
    { name: "annotation change", edit: (p) => (bump(p), (p.metadata.annotations = { a: "b" })), want: { labels: false, endpoints: false } },
    { name: "labels changed", edit: (p) => (bump(p), (p.metadata.labels = { app: "other" })), want: { labels: true, endpoints: false } },
    { name: "became not ready", edit: (p) => (bump(p), notReady(p)), want: { labels: false, endpoints: true } },
    { name: "ready transition time moved", edit: (p) => (bump(p), (p.status = { ...p.status, conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-05-01T12:00:00Z" }] })), want: { labels: false, endpoints: true } },
    { name: "IP changed", edit: (p) => (bump(p), withIPs(p, "10.1.13.9")), want: { labels: false, endpoints: true } },
    { name: "deletion started", edit: (p) => (bump(p), (p.metadata.deletionTimestamp = "2024-05-01T12:00:00Z")), want: { labels: false, endpoints: true } },
    { name: "phase became Succeeded", edit: (p) => (bump(p), (p.status = { ...p.status, phase: "Succeeded" })), want: { labels: false, endpoints: true } },
    { name: "bound to another node", edit: (p) => (bump(p), (p.spec.nodeName = "core-v2-02")), want: { labels: false, endpoints: true } },
    { name: "hostname set", edit: (p) => (bump(p), (p.spec.hostname = "web-0")), want: { labels: false, endpoints: true } },
  ];
  const old = makePod("default", "p");
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(podChange(old, makePod("default", "p", c.edit)), c.want));
});

test("serviceSelects", async (t) => {
  const cases: { name: string; svc?: (s: Service) => void; pod?: (p: Pod) => void; want: boolean }[] = [
    { name: "matching labels", want: true },
    { name: "other namespace", pod: (p) => void (p.metadata.namespace = "kube-system"), want: false },
    { name: "selector-less service", svc: (s) => void delete s.spec.selector, want: false },
    { name: "null selector", svc: (s) => void (s.spec.selector = null as unknown as undefined), want: false },
    { name: "labels do not match", pod: (p) => void (p.metadata.labels = { app: "x" }), want: false },
    { name: "empty selector picks every pod", svc: (s) => void (s.spec.selector = {}), pod: (p) => void (p.metadata.labels = { app: "x" }), want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(serviceSelects(makeService("default", "web", c.svc), makePod("default", "p", c.pod)), c.want));
});

test("serviceKeysForPods", async (t) => {
  const services = [
    makeService("default", "nginx"),
    makeService("default", "other", (s) => void (s.spec.selector = { app: "other" })),
    makeService("default", "manual", (s) => void delete s.spec.selector),
    makeService("kube-system", "nginx"),
  ];
  const cases: { name: string; pods: Pod[]; want: string[] }[] = [
    { name: "one state", pods: [makePod("default", "p")], want: ["default/nginx"] },
    {
      name: "old and new labels: both services, once each",
      pods: [makePod("default", "p"), makePod("default", "p", (p) => void (p.metadata.labels = { app: "other" }))],
      want: ["default/nginx", "default/other"],
    },
    { name: "same state twice", pods: [makePod("default", "p"), makePod("default", "p")], want: ["default/nginx"] },
    { name: "no service selects it", pods: [makePod("default", "p", (p) => void (p.metadata.labels = {}))], want: [] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(serviceKeysForPods(services, c.pods), c.want));
});
