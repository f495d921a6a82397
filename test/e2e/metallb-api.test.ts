// MetalLB's address pool kinds (metallb.io/v1beta1 IPAddressPool and L2Advertisement) served by
// a real `svcnet server`, driven by the real kubectl with MetalLB's documented manifests, and by
// @kubernetes/client-node's CustomObjectsApi — the same commands and answers as on a cluster
// with MetalLB installed.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";

// The examples of MetalLB's configuration documentation.
const poolsYaml = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: first-pool
  namespace: metallb-system
spec:
  addresses:
  - 192.168.10.0/24
  - 192.168.9.1-192.168.9.5
  - fc00:f853:0ccd:e799::/124
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: expensive
  namespace: metallb-system
spec:
  addresses:
  - 42.176.25.64/30
  autoAssign: false
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ip-pool-ns1
  namespace: metallb-system
spec:
  addresses:
  - 192.168.20.0/24
  avoidBuggyIPs: true
  serviceAllocation:
    priority: 50
    namespaces:
    - namespace-a
    - namespace-b
    namespaceSelectors:
    - matchLabels:
        foo: bar
    serviceSelectors:
    - matchExpressions:
      - {key: app, operator: In, values: [bar]}
`;

const advertisementYaml = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: example
  namespace: metallb-system
spec:
  ipAddressPools:
  - first-pool
  nodeSelectors:
  - matchLabels:
      kubernetes.io/hostname: NodeA
  - matchLabels:
      kubernetes.io/hostname: NodeB
`;

const badPool = (name: string, spec: string): string => `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${name}
  namespace: metallb-system
spec:
${spec}`;

/** The cells of the row whose first cell is `name`, split on runs of 2+ spaces (cells may hold one space). */
function row(out: string, name: string): string[] {
  const line = out.split("\n").find((l) => l.split(/\s+/)[0] === name);
  assert.ok(line, `no row for ${name} in:\n${out}`);
  return line.trim().split(/\s{2,}/);
}

describe("MetalLB's kinds with kubectl and client-node", () => {
  let s: ServerProcess;
  const n = ["-n", "metallb-system"];
  before(async () => {
    s = await startServer();
    const ns = await s.kubectl(["create", "namespace", "metallb-system"]);
    assert.equal(ns.code, 0, ns.stderr);
  });
  after(async () => {
    await s?.stop();
  });

  test("kubectl apply of the documented pools and advertisement, twice", async () => {
    const pools = s.file("pools.yaml", poolsYaml);
    const adv = s.file("l2.yaml", advertisementYaml);
    const first = await s.kubectl(["apply", "-f", pools, "-f", adv]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, "", "no warnings: every field is known");
    assert.deepEqual(first.stdout.trim().split("\n"), [
      "ipaddresspool.metallb.io/first-pool created",
      "ipaddresspool.metallb.io/expensive created",
      "ipaddresspool.metallb.io/ip-pool-ns1 created",
      "l2advertisement.metallb.io/example created",
    ]);
    const again = await s.kubectl(["apply", "-f", pools, "-f", adv]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /ipaddresspool\.metallb\.io\/first-pool unchanged/);
    assert.match(again.stdout, /l2advertisement\.metallb\.io\/example unchanged/);
    const changed = await s.kubectl(["apply", "-f", "-"], { input: poolsYaml.replace("autoAssign: false", "autoAssign: true") });
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /ipaddresspool\.metallb\.io\/expensive configured/);
  });

  test("kubectl get shows the CRDs' printer columns", async () => {
    const get = await s.kubectl(["get", "ipaddresspools", ...n]);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout.split("\n")[0], /^NAME\s+AUTO ASSIGN\s+AVOID BUGGY IPS\s+ADDRESSES$/);
    assert.deepEqual(row(get.stdout, "first-pool"), ["first-pool", "true", "false", `["192.168.10.0/24","192.168.9.1-192.168.9.5","fc00:f853:0ccd:e799::/124"]`]);
    assert.deepEqual(row(get.stdout, "ip-pool-ns1"), ["ip-pool-ns1", "true", "true", `["192.168.20.0/24"]`]);

    const l2 = await s.kubectl(["get", "l2advertisements", ...n]);
    assert.equal(l2.code, 0, l2.stderr);
    assert.match(l2.stdout.split("\n")[0], /^NAME\s+IPADDRESSPOOLS\s+IPADDRESSPOOL SELECTORS\s+INTERFACES$/);
    assert.deepEqual(row(l2.stdout, "example").slice(0, 2), ["example", `["first-pool"]`]);
    const wide = await s.kubectl(["get", "l2advertisements", ...n, "-o", "wide"]);
    assert.match(wide.stdout.split("\n")[0], /^NAME\s+IPADDRESSPOOLS\s+IPADDRESSPOOL SELECTORS\s+INTERFACES\s+NODE SELECTORS$/);
    assert.ok(
      wide.stdout.includes(`[{"matchLabels":{"kubernetes.io/hostname":"NodeA"}},{"matchLabels":{"kubernetes.io/hostname":"NodeB"}}]`),
      wide.stdout,
    );
    const byName = await s.kubectl(["get", "ipaddresspool.metallb.io/expensive", ...n, "-o", "jsonpath={.spec.autoAssign} {.metadata.generation}"]);
    assert.equal(byName.stdout, "true 2");
  });

  test("kubectl describe and explain", async () => {
    const d = await s.kubectl(["describe", "ipaddresspool", "first-pool", ...n]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Name:\s+first-pool$/m);
    assert.match(d.stdout, /^API Version:\s+metallb\.io\/v1beta1$/m);
    assert.match(d.stdout, /^Kind:\s+IPAddressPool$/m);
    assert.match(d.stdout, /^\s+Auto Assign:\s+true$/m);
    assert.match(d.stdout, /^\s+192\.168\.9\.1-192\.168\.9\.5$/m);
    assert.match(d.stdout, /^Events:\s+<none>$/m);

    const e = await s.kubectl(["explain", "ipaddresspool.spec"]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /^GROUP:\s+metallb\.io$/m);
    assert.match(e.stdout, /^KIND:\s+IPAddressPool$/m);
    assert.match(e.stdout, /^VERSION:\s+v1beta1$/m);
    assert.match(e.stdout, /^FIELD: spec <Object>$/m);
    assert.match(e.stdout, /^\s+addresses\s+<\[\]string> -required-$/m);
    assert.match(e.stdout, /^\s+autoAssign\s+<boolean>$/m);
    assert.match(e.stdout, /^\s+serviceAllocation\s+<Object>$/m);
    const deep = await s.kubectl(["explain", "l2advertisements.spec.nodeSelectors.matchExpressions"]);
    assert.equal(deep.code, 0, deep.stderr);
    assert.match(deep.stdout, /^\s+operator\s+<string> -required-$/m);
  });

  test("status through the status subresource only", async () => {
    // svcnet's pool-status controller keeps these counts up to date, so the answers of the
    // patches themselves are checked, not a later read.
    const jp = ["-o", "jsonpath={.status.assignedIPv4} {.metadata.generation}"];
    const p = await s.kubectl(["patch", "ipaddresspool", "first-pool", ...n, "--subresource=status", "--type=merge", "-p", '{"status":{"assignedIPv4":99}}', ...jp]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, "99 1");
    const main = await s.kubectl(["patch", "ipaddresspool", "first-pool", ...n, "--type=merge", "-p", '{"status":{"assignedIPv4":77}}', ...jp]);
    assert.equal(main.code, 0, main.stderr);
    assert.doesNotMatch(main.stdout, /^77 /, "status is not written through the main resource");
    assert.match(main.stdout, / 1$/);
    const bad = await s.kubectl(["patch", "ipaddresspool", "first-pool", ...n, "--subresource=status", "--type=merge", "-p", '{"status":{"assignedIPv4":"many"}}']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /status\.assignedIPv4: Invalid value: "string": status\.assignedIPv4 in body must be of type integer: "string"/);
  });

  test("bad input gets kubectl's errors with the field path", async (t) => {
    const cases: { name: string; yaml: string; stderr: RegExp }[] = [
      {
        name: "a bad address",
        yaml: badPool("bad-address", "  addresses:\n  - 192.168.30.0/24\n  - 192.168.300.1-192.168.300.9\n"),
        stderr: /The IPAddressPool "bad-address" is invalid: spec\.addresses\[1\]: Invalid value: "192\.168\.300\.1-192\.168\.300\.9": both ends of a range must be IP addresses/,
      },
      {
        name: "an unknown field",
        yaml: badPool("typo", "  addresses:\n  - 192.168.31.0/24\n  autoassign: false\n"),
        stderr: /strict decoding error: unknown field "spec\.autoassign"/,
      },
      {
        name: "a reversed range",
        yaml: badPool("reversed", "  addresses:\n  - 192.168.32.50-192.168.32.10\n"),
        stderr: /The IPAddressPool "reversed" is invalid: spec\.addresses\[0\]: Invalid value: "192\.168\.32\.50-192\.168\.32\.10": the first address of a range must not be after the last/,
      },
      {
        name: "an overlap with another pool",
        yaml: badPool("overlap", "  addresses:\n  - 192.168.10.128/25\n"),
        stderr: /spec\.addresses\[0\]: Invalid value: "192\.168\.10\.128\/25": overlaps with "192\.168\.10\.0\/24" of IPAddressPool "first-pool"/,
      },
      {
        name: "a value of the wrong type",
        yaml: badPool("typed", "  addresses: 192.168.33.0/24\n"),
        stderr: /spec\.addresses: Invalid value: "string": spec\.addresses in body must be of type array: "string"/,
      },
    ];
    for (const c of cases) {
      await t.test(c.name, async () => {
        const r = await s.kubectl(["apply", "-f", "-"], { input: c.yaml });
        assert.equal(r.code, 1, r.stdout);
        assert.match(r.stderr, c.stderr);
      });
    }
    const smp = await s.kubectl(["patch", "ipaddresspool", "first-pool", ...n, "-p", '{"spec":{"autoAssign":false}}']);
    assert.equal(smp.code, 1);
    assert.match(smp.stderr, /application\/strategic-merge-patch\+json is not supported by metallb\.io\/v1beta1, Kind=IPAddressPool/);
    const names = await s.kubectl(["get", "ipaddresspools", ...n, "-o", "name"]);
    assert.deepEqual(names.stdout.trim().split("\n").sort(), ["ipaddresspool.metallb.io/expensive", "ipaddresspool.metallb.io/first-pool", "ipaddresspool.metallb.io/ip-pool-ns1"]);
  });

  test("client-node's CustomObjectsApi: create, get, list, patch status, delete, and an error", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    const api = kc.makeApiClient(CustomObjectsApi);
    const where = { group: "metallb.io", version: "v1beta1", namespace: "metallb-system", plural: "ipaddresspools" };
    const created = (await api.createNamespacedCustomObject({
      ...where,
      body: { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "from-client" }, spec: { addresses: ["10.200.0.0/28"] } },
    })) as { metadata: { uid: string }; spec: { autoAssign: boolean; avoidBuggyIPs: boolean } };
    assert.equal(created.spec.autoAssign, true);
    assert.equal(created.spec.avoidBuggyIPs, false);

    const read = (await api.getNamespacedCustomObject({ ...where, name: "from-client" })) as { metadata: { uid: string } };
    assert.equal(read.metadata.uid, created.metadata.uid);
    const list = (await api.listNamespacedCustomObject(where)) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, "IPAddressPoolList");
    assert.ok(list.items.some((i) => i.metadata.name === "from-client"));

    const patched = (await api.patchNamespacedCustomObjectStatus(
      { ...where, name: "from-client", body: { status: { assignedIPv4: 0, availableIPv4: 16 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as { status: { availableIPv4: number } };
    assert.equal(patched.status.availableIPv4, 16);

    try {
      await api.createNamespacedCustomObject({
        ...where,
        body: { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "clash" }, spec: { addresses: ["10.200.0.8/29"] } },
      });
      assert.fail("an overlapping pool was accepted");
    } catch (e) {
      assert.ok(e instanceof ApiException, String(e));
      assert.equal(e.code, 422);
      assert.match(String(typeof e.body === "string" ? e.body : JSON.stringify(e.body)), /overlaps with \\?"10\.200\.0\.0\/28\\?" of IPAddressPool \\?"from-client\\?"/);
    }

    await api.deleteNamespacedCustomObject({ ...where, name: "from-client" });
    const after = (await api.listNamespacedCustomObject(where)) as { items: { metadata: { name: string } }[] };
    assert.ok(!after.items.some((i) => i.metadata.name === "from-client"));
  });
});
