import { test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice, Endpoints, KubeObject, Namespace, Node, ReplicationController } from "../types.js";
import { defaultDeployment } from "./apps.js";
import { defaultEndpointSlice, defaultEndpoints } from "./endpoints.js";
import { defaultNamespace, prepareNamespaceForCreate } from "./namespace.js";
import { defaultNode } from "./node.js";
import { defaultReplicationController } from "./replication-controller.js";

// Defaults of the smaller kinds, one table per kind.

test("replication controller defaults", () => {
  const rc: ReplicationController = {
    metadata: { name: "nginx-controller", namespace: "default" },
    spec: { template: { metadata: { labels: { name: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
  };
  defaultReplicationController(rc);
  assert.equal(rc.spec.replicas, 1);
  assert.deepEqual(rc.spec.selector, { name: "nginx" });
  assert.deepEqual(rc.metadata.labels, { name: "nginx" });
  assert.equal(rc.spec.template?.spec.restartPolicy, "Always");
  assert.equal(rc.spec.template?.spec.enableServiceLinks, undefined);
});

test("deployment defaults", () => {
  const d: KubeObject = { metadata: { name: "web" }, spec: { template: { spec: { containers: [{ name: "w", image: "nginx" }] } } } };
  defaultDeployment(d);
  const spec = d.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
});

test("endpoint port defaults", () => {
  const ep: Endpoints = { metadata: { name: "e" }, subsets: [{ addresses: [{ ip: "10.1.13.5" }], ports: [{ port: 80 }] }] };
  defaultEndpoints(ep);
  assert.deepEqual(ep.subsets?.[0].ports, [{ port: 80, protocol: "TCP" }]);
  const slice: EndpointSlice = { metadata: { name: "s" }, addressType: "IPv4", endpoints: [], ports: [{ port: 80 }, { name: "dns", port: 53, protocol: "UDP" }] };
  defaultEndpointSlice(slice);
  assert.deepEqual(slice.ports, [{ port: 80, name: "", protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }]);
});

test("namespace and node defaults", () => {
  const ns: Namespace = { metadata: { name: "a" }, spec: { finalizers: ["example.com/x"] } };
  prepareNamespaceForCreate(ns);
  assert.deepEqual(ns.spec?.finalizers, ["example.com/x", "kubernetes"]);
  const terminating: Namespace = { metadata: { name: "b" }, status: { phase: "Terminating" } };
  defaultNamespace(terminating);
  assert.equal(terminating.status?.phase, "Terminating");
  const node: Node = { metadata: { name: "n" }, status: { capacity: { cpu: "2", pods: "110" } } };
  defaultNode(node);
  assert.deepEqual(node.status?.allocatable, { cpu: "2", pods: "110" });
});
