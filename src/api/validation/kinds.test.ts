import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import type { Event, KubeObject, Namespace, Node } from "../types.js";
import { validateEvent } from "./event.js";
import { validateLease } from "./lease.js";
import { validateNamespace, validateNamespaceStatusUpdate } from "./namespace.js";
import { validateNode, validateNodeUpdate } from "./node.js";

// Small kinds share one table; each file's rules are short enough to read beside it.
const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

test("namespaces, nodes, events and leases", async (t) => {
  const ns = (name: string, extra: Partial<Namespace> = {}): Namespace => ({ metadata: { name }, ...extra });
  const node = (name: string, spec: Node["spec"] = {}): Node => ({ metadata: { name }, spec });
  const ev = (e: Partial<Event>): Event => ({ metadata: { name: "nginx.1", namespace: "default" }, involvedObject: { kind: "Pod", name: "nginx", namespace: "default" }, ...e });
  const lease = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: "core-v2-01", namespace: "kube-node-lease" }, spec });
  const cases: { name: string; got: FieldError[]; want: string }[] = [
    { name: "namespace ok", got: validateNamespace(ns("kube-system", { spec: { finalizers: ["kubernetes"] } })), want: "" },
    { name: "namespace with dots", got: validateNamespace(ns("my.ns")), want: `metadata.name: Invalid value: "my.ns": must not contain dots` },
    {
      name: "namespace finalizer not standard",
      got: validateNamespace(ns("a", { spec: { finalizers: ["custom"] } })),
      want: `spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`,
    },
    {
      name: "namespace status Terminating without deletion",
      got: validateNamespaceStatusUpdate(ns("a", { status: { phase: "Terminating" } }), ns("a")),
      want: `status.Phase: Invalid value: "Terminating": may only be 'Active' if \`deletionTimestamp\` is empty`,
    },
    { name: "node ok", got: validateNode(node("core-v2-01", { podCIDRs: ["10.1.13.0/24"] })), want: "" },
    { name: "node in a namespace", got: validateNode({ metadata: { name: "n", namespace: "default" } }), want: "metadata.namespace: Forbidden: not allowed on this type" },
    {
      name: "node bad podCIDR",
      got: validateNode(node("n", { podCIDRs: ["10.1.13.0/40"] })),
      want: `spec.podCIDRs[0]: Invalid value: "10.1.13.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`,
    },
    {
      name: "node podCIDR change",
      got: validateNodeUpdate(node("n", { podCIDRs: ["10.1.14.0/24"] }), node("n", { podCIDRs: ["10.1.13.0/24"] })),
      want: `spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid`,
    },
    { name: "node podCIDR first assignment", got: validateNodeUpdate(node("n", { podCIDRs: ["10.1.14.0/24"] }), node("n")), want: "" },
    { name: "event ok", got: validateEvent(ev({ reason: "Scheduled" })), want: "" },
    {
      name: "event namespace mismatch",
      got: validateEvent(ev({ involvedObject: { kind: "Pod", name: "x", namespace: "other" } })),
      want: `involvedObject.namespace: Invalid value: "other": does not match event.namespace`,
    },
    {
      name: "new-style event without reporting fields",
      got: validateEvent(ev({ eventTime: "2025-01-01T00:00:00.000000Z", reason: "Started", action: "Start" })),
      want:
        "[reportingComponent: Required value, reportingComponent: Invalid value: \"\": name part must be non-empty, " +
        "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), " +
        "reportingInstance: Required value]",
    },
    { name: "lease ok", got: validateLease(lease({ holderIdentity: "core-v2-01", leaseDurationSeconds: 40 })), want: "" },
    { name: "lease zero duration", got: validateLease(lease({ leaseDurationSeconds: 0 })), want: "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(c.got), c.want));
});
