import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isAtomicMap, listMetaAt, patchMetaFor } from "./patch-meta.js";

const pod = { apiVersion: "v1", kind: "Pod" };
const svc = { apiVersion: "v1", kind: "Service" };
const rc = { apiVersion: "v1", kind: "ReplicationController" };
const deploy = { apiVersion: "apps/v1", kind: "Deployment" };
const node = { apiVersion: "v1", kind: "Node" };
const ns = { apiVersion: "v1", kind: "Namespace" };
const ep = { apiVersion: "v1", kind: "Endpoints" };
const slice = { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice" };
const widget = { apiVersion: "example.com/v1", kind: "Widget" };

type Kind = { apiVersion: string; kind: string };

const cases: { name: string; kind: Kind; path: string; strategy: "merge" | "replace"; mergeKey?: string; listType: string; keys?: string[] }[] = [
  { name: "pod containers", kind: pod, path: "spec.containers", strategy: "merge", mergeKey: "name", listType: "map", keys: ["name"] },
  {
    name: "pod container ports (SSA keys containerPort+protocol)",
    kind: pod,
    path: "spec.containers[].ports",
    strategy: "merge",
    mergeKey: "containerPort",
    listType: "map",
    keys: ["containerPort", "protocol"],
  },
  { name: "pod container env", kind: pod, path: "spec.containers[].env", strategy: "merge", mergeKey: "name", listType: "map", keys: ["name"] },
  { name: "pod init container volumeMounts", kind: pod, path: "spec.initContainers[].volumeMounts", strategy: "merge", mergeKey: "mountPath", listType: "map", keys: ["mountPath"] },
  { name: "pod volumes", kind: pod, path: "spec.volumes", strategy: "merge", mergeKey: "name", listType: "map", keys: ["name"] },
  { name: "pod tolerations are atomic", kind: pod, path: "spec.tolerations", strategy: "replace", listType: "atomic" },
  { name: "pod container command is atomic", kind: pod, path: "spec.containers[].command", strategy: "replace", listType: "atomic" },
  { name: "pod status conditions", kind: pod, path: "status.conditions", strategy: "merge", mergeKey: "type", listType: "map", keys: ["type"] },
  { name: "pod status podIPs", kind: pod, path: "status.podIPs", strategy: "merge", mergeKey: "ip", listType: "map", keys: ["ip"] },
  { name: "service ports (SSA keys port+protocol)", kind: svc, path: "spec.ports", strategy: "merge", mergeKey: "port", listType: "map", keys: ["port", "protocol"] },
  { name: "service status conditions", kind: svc, path: "status.conditions", strategy: "merge", mergeKey: "type", listType: "map", keys: ["type"] },
  { name: "service clusterIPs are atomic", kind: svc, path: "spec.clusterIPs", strategy: "replace", listType: "atomic" },
  { name: "rc template containers", kind: rc, path: "spec.template.spec.containers", strategy: "merge", mergeKey: "name", listType: "map", keys: ["name"] },
  { name: "rc status conditions", kind: rc, path: "status.conditions", strategy: "merge", mergeKey: "type", listType: "map", keys: ["type"] },
  {
    name: "deployment template container env",
    kind: deploy,
    path: "spec.template.spec.containers[].env",
    strategy: "merge",
    mergeKey: "name",
    listType: "map",
    keys: ["name"],
  },
  { name: "deployment template finalizers", kind: deploy, path: "spec.template.metadata.finalizers", strategy: "merge", listType: "set" },
  { name: "node conditions", kind: node, path: "status.conditions", strategy: "merge", mergeKey: "type", listType: "map", keys: ["type"] },
  { name: "node addresses merge by type but are atomic for apply", kind: node, path: "status.addresses", strategy: "merge", mergeKey: "type", listType: "atomic" },
  { name: "node podCIDRs merge primitives", kind: node, path: "spec.podCIDRs", strategy: "merge", listType: "set" },
  { name: "node taints are atomic", kind: node, path: "spec.taints", strategy: "replace", listType: "atomic" },
  { name: "namespace conditions", kind: ns, path: "status.conditions", strategy: "merge", mergeKey: "type", listType: "map", keys: ["type"] },
  { name: "namespace spec finalizers are atomic", kind: ns, path: "spec.finalizers", strategy: "replace", listType: "atomic" },
  { name: "endpoints subsets are atomic", kind: ep, path: "subsets", strategy: "replace", listType: "atomic" },
  { name: "endpointslice endpoints are atomic", kind: slice, path: "endpoints", strategy: "replace", listType: "atomic" },
  { name: "endpointslice ports are atomic", kind: slice, path: "ports", strategy: "replace", listType: "atomic" },
  { name: "metadata finalizers (any kind)", kind: svc, path: "metadata.finalizers", strategy: "merge", listType: "set" },
  { name: "metadata ownerReferences", kind: slice, path: "metadata.ownerReferences", strategy: "merge", mergeKey: "uid", listType: "map", keys: ["uid"] },
  { name: "unknown kind: lists are atomic", kind: widget, path: "spec.containers", strategy: "replace", listType: "atomic" },
  { name: "unknown kind keeps ObjectMeta", kind: widget, path: "metadata.finalizers", strategy: "merge", listType: "set" },
];

describe("patchMetaFor", () => {
  for (const c of cases) {
    it(c.name, () => {
      const m = listMetaAt(patchMetaFor(c.kind), c.path);
      assert.equal(m.strategy, c.strategy);
      assert.equal(m.mergeKey, c.mergeKey);
      assert.equal(m.listType, c.listType);
      assert.deepEqual(m.keys, c.keys);
    });
  }
  it("protocol defaults to TCP in port keys", () => {
    assert.deepEqual(listMetaAt(patchMetaFor(svc), "spec.ports").keyDefaults, { protocol: "TCP" });
    assert.deepEqual(listMetaAt(patchMetaFor(pod), "spec.containers[].ports").keyDefaults, { protocol: "TCP" });
  });
  it("atomic maps for apply: selectors and nodeSelector", () => {
    assert.ok(isAtomicMap(patchMetaFor(svc), "spec.selector"));
    assert.ok(isAtomicMap(patchMetaFor(deploy), "spec.selector"));
    assert.ok(isAtomicMap(patchMetaFor(rc), "spec.template.spec.nodeSelector"));
    assert.ok(!isAtomicMap(patchMetaFor(svc), "metadata.labels"));
  });
});
