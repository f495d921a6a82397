import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ConfigMap, Namespace, ServiceAccount } from "../../api/types.js";
import { WriteSpacing, rootCACertPublisher, rootCAConfigMapChange, rootCADescription } from "../certificates/root-ca-cert-publisher.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import { missingServiceAccounts, serviceAccountsController } from "./serviceaccounts-controller.js";

describe("missingServiceAccounts", () => {
  const ns = (phase?: "Active" | "Terminating"): Namespace => ({ metadata: { name: "team-a" }, ...(phase && { status: { phase } }) });
  const cases: { name: string; ns: Namespace | undefined; existing: string[]; want: string[] }[] = [
    { name: "a new active namespace", ns: ns("Active"), existing: [], want: ["default"] },
    { name: "an active namespace with its account", ns: ns("Active"), existing: ["default"], want: [] },
    { name: "a terminating namespace", ns: ns("Terminating"), existing: [], want: [] },
    { name: "a namespace without a phase yet", ns: ns(), existing: [], want: [] },
    { name: "a namespace that is gone", ns: undefined, existing: [], want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(missingServiceAccounts(c.ns, (n) => c.existing.includes(n)), c.want));
});

describe("rootCAConfigMapChange", () => {
  const ca = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
  const published = (edit: (cm: ConfigMap) => void = () => {}): ConfigMap => {
    const cm: ConfigMap = {
      metadata: { name: "kube-root-ca.crt", namespace: "team-a", annotations: { "kubernetes.io/description": rootCADescription } },
      data: { "ca.crt": ca },
    };
    edit(cm);
    return cm;
  };
  const cases: { name: string; existing: ConfigMap | undefined; want: "create" | "update" | "none"; data?: Record<string, string>; annotations?: Record<string, string> }[] = [
    { name: "missing", existing: undefined, want: "create", data: { "ca.crt": ca }, annotations: { "kubernetes.io/description": rootCADescription } },
    { name: "as published", existing: published(), want: "none" },
    { name: "another CA", existing: published((cm) => (cm.data = { "ca.crt": "old" })), want: "update", data: { "ca.crt": ca } },
    { name: "an extra key", existing: published((cm) => (cm.data = { "ca.crt": ca, extra: "x" })), want: "update", data: { "ca.crt": ca } },
    {
      name: "the description removed, another annotation kept",
      existing: published((cm) => (cm.metadata.annotations = { team: "a" })),
      want: "update",
      annotations: { team: "a", "kubernetes.io/description": rootCADescription },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const change = rootCAConfigMapChange(c.existing, "team-a", ca);
      const kind = !change ? "none" : "create" in change ? "create" : "update";
      assert.equal(kind, c.want);
      const obj = change && ("create" in change ? change.create : change.update);
      if (c.data) assert.deepEqual(obj?.data, c.data);
      if (c.annotations) assert.deepEqual(obj?.metadata.annotations, c.annotations);
    });
  }
});

describe("serviceaccount and root-ca-cert-publisher controllers", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ controllers: [serviceAccountsController, rootCACertPublisher] });
  });
  after(() => cluster.stop());

  const accounts = () => cluster.client<ServiceAccount>(resource("", "v1", "serviceaccounts"));
  const configMaps = () => cluster.client<ConfigMap>(resource("", "v1", "configmaps"));
  const find = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

  it("give a new namespace its default account and kube-root-ca.crt, and put them back", async () => {
    await cluster.client<Namespace>(resource("", "v1", "namespaces")).create({ metadata: { name: "team-a" } });
    const first = await cluster.waitFor("the default account", () => find(accounts().get("team-a", "default")));
    const cm = await cluster.waitFor("kube-root-ca.crt", () => find(configMaps().get("team-a", "kube-root-ca.crt")));
    assert.deepEqual(cm.data, { "ca.crt": cluster.api.pki.caCert });
    assert.equal(cm.metadata.annotations?.["kubernetes.io/description"], rootCADescription);

    await accounts().delete("team-a", "default");
    const again = await cluster.waitFor("the default account again", async () => {
      const sa = await find(accounts().get("team-a", "default"));
      return sa && sa.metadata.uid !== first.metadata.uid && sa;
    });
    assert.ok(again);

    await configMaps().update({ ...cm, data: { "ca.crt": "tampered" } });
    await cluster.waitFor("the CA restored", async () => (await configMaps().get("team-a", "kube-root-ca.crt")).data?.["ca.crt"] === cluster.api.pki.caCert);
    await configMaps().delete("team-a", "kube-root-ca.crt");
    await cluster.waitFor("kube-root-ca.crt recreated", () => find(configMaps().get("team-a", "kube-root-ca.crt")));
  });

  it("cover the namespaces that exist at start", async () => {
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      await cluster.waitFor(`kube-root-ca.crt in ${ns}`, () => find(configMaps().get(ns, "kube-root-ca.crt")));
      await cluster.waitFor(`default in ${ns}`, () => find(accounts().get(ns, "default")));
    }
  });
});

describe("WriteSpacing", () => {
  it("doubles the pause while writes follow each other closely, and forgets after a quiet spell", () => {
    const s = new WriteSpacing({ hotMs: 30_000, minMs: 1000, maxMs: 8000 });
    const pauses: number[] = [];
    let now = 0;
    assert.equal(s.waitMs("ns", now), 0);
    for (let i = 0; i < 6; i++) {
      now += s.waitMs("ns", now) + 10;
      pauses.push(s.wrote("ns", now));
    }
    assert.deepEqual(pauses, [0, 1000, 2000, 4000, 8000, 8000]);
    assert.equal(s.waitMs("ns", now + 3000), 5000);
    assert.equal(s.waitMs("other", now), 0, "per key");
    now += 8000 + 30_000;
    assert.equal(s.wrote("ns", now), 0, "a write after a quiet spell is not spaced");
  });
});
