import { test } from "node:test";
import assert from "node:assert/strict";
import { findResource, resources } from "../../api/resources.js";
import { parseRequestInfo } from "../request-info.js";
import { bendPath, resourcePath } from "./hostile-path.js";
import { Random } from "./random.js";

test("resourcePath: kube-apiserver's paths", () => {
  const svc = findResource("", "v1", "services");
  const deploy = findResource("apps", "v1", "deployments");
  const nodes = findResource("", "v1", "nodes");
  assert.ok(svc && deploy && nodes);
  assert.equal(resourcePath(svc, { namespace: "ns" }), "/api/v1/namespaces/ns/services");
  assert.equal(resourcePath(svc, {}), "/api/v1/services");
  assert.equal(resourcePath(deploy, { namespace: "ns", name: "d", subresource: "scale" }), "/apis/apps/v1/namespaces/ns/deployments/d/scale");
  assert.equal(resourcePath(nodes, { namespace: "ignored", name: "n" }), "/api/v1/nodes/n");
});

// The promise the fuzzer's scratch writes rely on: bending a path never moves it into another namespace.
test("bendPath: a bent path stays in its namespace (or addresses nothing)", () => {
  const rng = new Random(2);
  for (const r of resources.filter((x) => x.namespaced)) {
    for (let i = 0; i < 100; i++) {
      const bent = bendPath(rng, r, { namespace: "scratch", name: "s" });
      const info = parseRequestInfo(bent.path.replace(/\/+$/, ""));
      if (info.kind === "resource" && findResource(info.group, info.version, info.resource)?.namespaced) {
        assert.equal(info.namespace, "scratch", `${bent.name}: ${bent.path.slice(0, 100)}`);
      }
    }
  }
});
