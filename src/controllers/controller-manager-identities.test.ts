// Every controller `svcnet server` runs, each under its own identity against an API server
// that authorizes with the default RBAC policy: the seed's flows converge, and no request of
// the controller manager or of any controller is refused. A 403 here means a role in
// bootstrap-policy.ts lacks what a controller does.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { IPAddressPool } from "../api/metallb-types.js";
import { METALLB_NAMESPACE } from "../api/metallb-types.js";
import { findResource } from "../api/resources.js";
import { rootCAConfigMapName } from "../api/service-account-volume.js";
import type { ConfigMap, Deployment, EndpointSlice, Endpoints, Event, KubeObject, Namespace, Node, Pod, ReplicationController, Service, ServiceAccount } from "../api/types.js";
import type { KubeClient } from "../client/index.js";
import { isNotFound } from "../client/index.js";
import { allControllers } from "./all-controllers.js";
import { resource } from "./controller-context.js";
import { controllerIdentity, controllerServiceAccounts } from "./controller-identities.js";
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MIRRORING_CONTROLLER } from "./endpoints/well-known.js";
import { FakeKubelet } from "./nodelifecycle/fake-kubelet.js";
import type { TestCluster } from "./test-cluster.js";
import { startTestCluster } from "./test-cluster.js";

/** What an identity was refused: "user: METHOD path: status". */
const forbidden: string[] = [];

/**
 * A 403 that is not about who asks: creating in a namespace being deleted is refused for
 * everyone (and the controllers expect it), so it says nothing about their roles.
 */
function namespaceTerminating(body: string | undefined): boolean {
  try {
    const status = JSON.parse(body ?? "") as { details?: { causes?: { reason?: string }[] } };
    return status.details?.causes?.some((c) => c.reason === "NamespaceTerminating") ?? false;
  } catch {
    return false;
  }
}
/** Each identity that made a request, by user name. */
const seen = new Set<string>();

let cluster: TestCluster;
const kubelets = new Map<string, FakeKubelet>();
let nextIP = 2;

function clientOf<T extends KubeObject>(group: string, version: string, plural: string): KubeClient<T> {
  return cluster.client<T>(resource(group, version, plural));
}

const pods = (): KubeClient<Pod> => clientOf<Pod>("", "v1", "pods");

before(async () => {
  cluster = await startTestCluster({
    controllers: allControllers,
    settings: { nodeMonitorGracePeriodMs: 1500, nodeMonitorPeriodMs: 200 },
    identities: {
      observe(identity, req, res) {
        seen.add(identity.name);
        if (res.status === 403 && !namespaceTerminating(res.body)) forbidden.push(`${identity.name}: ${req.method} ${req.path}: ${res.body ?? ""}`);
      },
    },
  });
  for (const name of ["node-1", "node-2"]) {
    const k = new FakeKubelet(cluster, name, { renewMs: 100 });
    await k.register();
    k.start();
    kubelets.set(name, k);
  }
});

after(async () => {
  await Promise.all([...kubelets.values()].map((k) => k.stop()));
  await cluster.stop();
});

/**
 * Acts as the kubelets: runs every pod bound to a node that has not started yet, and confirms
 * the deletion of pods being deleted (DELETE with grace 0).
 */
async function kubeletPass(namespace: string): Promise<void> {
  for (const p of (await pods().list(namespace)).items) {
    const name = p.metadata.name ?? "";
    const node = kubelets.get(p.spec.nodeName ?? "");
    try {
      if (p.metadata.deletionTimestamp) await pods().delete(namespace, name, { gracePeriodSeconds: 0 });
      else if (node && !p.status?.podIP) await node.runPod(namespace, name, `10.1.${Math.floor(nextIP / 250)}.${(nextIP++ % 250) + 2}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Live pods (not being deleted) with label app=`app`. */
async function livePods(namespace: string, app: string): Promise<Pod[]> {
  return (await pods().list(namespace, { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
}

function podTemplate(app: string): { metadata: { labels: Record<string, string> }; spec: Pod["spec"] } {
  return { metadata: { labels: { app } }, spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80 }] }] } };
}

async function replicas(rcs: KubeClient<ReplicationController>, n: number): Promise<void> {
  const rc = await rcs.get("default", "web");
  await rcs.update({ ...rc, spec: { ...rc.spec, replicas: n } });
  await cluster.waitFor(`${n} running pods of rc/web`, async () => {
    await kubeletPass("default");
    const live = await livePods("default", "web");
    return live.length === n && live.every((p) => p.status?.podIP);
  });
}

test("a replication controller's pods are created, scheduled, run, scaled, and their endpoints follow", async () => {
  const rcs = clientOf<ReplicationController>("", "v1", "replicationcontrollers");
  await clientOf<Service>("", "v1", "services").create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "default", name: "web" },
    spec: { selector: { app: "web" }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }] },
  });
  await rcs.create({ apiVersion: "v1", kind: "ReplicationController", metadata: { namespace: "default", name: "web" }, spec: { replicas: 3, selector: { app: "web" }, template: podTemplate("web") } });
  await cluster.waitFor("3 running pods of rc/web", async () => {
    await kubeletPass("default");
    const live = await livePods("default", "web");
    return live.length === 3 && live.every((p) => p.spec.nodeName && p.status?.podIP);
  });
  const addresses = async (): Promise<number> => (await clientOf<Endpoints>("", "v1", "endpoints").get("default", "web")).subsets?.[0]?.addresses?.length ?? 0;
  const sliceEndpoints = async (): Promise<number> => {
    const slices = await clientOf<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices").list("default", { labelSelector: `${LABEL_SERVICE_NAME}=web` });
    return slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
  };
  await cluster.waitFor("3 endpoints of web", async () => (await addresses()) === 3 && (await sliceEndpoints()) === 3);
  await replicas(rcs, 5);
  await cluster.waitFor("5 endpoints of web", async () => (await addresses()) === 5 && (await sliceEndpoints()) === 5);
  await replicas(rcs, 2);
  await cluster.waitFor("2 endpoints of web", async () => (await addresses()) === 2 && (await sliceEndpoints()) === 2);
  const events = await clientOf<Event>("", "v1", "events").list("default");
  assert.ok(
    events.items.some((e) => e.source?.component === "replication-controller" && e.reason === "SuccessfulCreate"),
    "the replication controller records its Events under its own identity",
  );
});

test("a deployment gets a replica set and its pods", async () => {
  await clientOf<Deployment>("apps", "v1", "deployments").create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { namespace: "default", name: "api" },
    spec: { replicas: 2, selector: { matchLabels: { app: "api" } }, template: podTemplate("api") },
  });
  await cluster.waitFor("2 running pods of deployment/api", async () => {
    await kubeletPass("default");
    const live = await livePods("default", "api");
    return live.length === 2 && live.every((p) => p.status?.podIP);
  });
  await cluster.waitFor("deployment/api reports 2 ready replicas", async () => (await clientOf<Deployment>("apps", "v1", "deployments").get("default", "api")).status?.readyReplicas === 2);
});

test("Endpoints of a service without a selector are mirrored into a slice", async () => {
  await clientOf<Service>("", "v1", "services").create({ apiVersion: "v1", kind: "Service", metadata: { namespace: "default", name: "outside" }, spec: { ports: [{ port: 80, protocol: "TCP" }] } });
  await clientOf<Endpoints>("", "v1", "endpoints").create({
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { namespace: "default", name: "outside" },
    subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 80, protocol: "TCP" }] }],
  });
  await cluster.waitFor("the mirrored slice of outside", async () => {
    const slices = await clientOf<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices").list("default", { labelSelector: `${LABEL_MANAGED_BY}=${MIRRORING_CONTROLLER}` });
    return slices.items.some((s) => s.endpoints?.some((e) => e.addresses.includes("192.0.2.10")));
  });
});

test("a LoadBalancer service gets an address from the pool", async (t) => {
  const poolResource = findResource("metallb.io", "v1beta1", "ipaddresspools");
  if (!poolResource) return t.skip("svcnet serves no IPAddressPools");
  await clientOf<Namespace>("", "v1", "namespaces").create({ apiVersion: "v1", kind: "Namespace", metadata: { name: METALLB_NAMESPACE } });
  await cluster.client<IPAddressPool>(poolResource).create({
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: { name: "lab", namespace: METALLB_NAMESPACE },
    spec: { addresses: ["192.0.2.200/30"] },
  });
  const services = clientOf<Service>("", "v1", "services");
  await services.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "default", name: "web-lb" },
    spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }] },
  });
  const ip = await cluster.waitFor("an ingress address of web-lb", async () => (await services.get("default", "web-lb")).status?.loadBalancer?.ingress?.[0]?.ip);
  assert.match(ip, /^192\.0\.2\.20[0-3]$/);
});

test("a new namespace gets its service account and kube-root-ca.crt; deleting it empties and removes it", async () => {
  const namespaces = clientOf<Namespace>("", "v1", "namespaces");
  await namespaces.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } });
  await cluster.waitFor("doomed's default service account", async () => (await clientOf<ServiceAccount>("", "v1", "serviceaccounts").get("doomed", "default")).metadata.name);
  await cluster.waitFor("doomed's kube-root-ca.crt", async () => (await clientOf<ConfigMap>("", "v1", "configmaps").get("doomed", rootCAConfigMapName)).data?.["ca.crt"]);
  await clientOf<ConfigMap>("", "v1", "configmaps").create({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "doomed", name: "settings" }, data: { a: "1" } });
  await clientOf<ReplicationController>("", "v1", "replicationcontrollers").create({
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { namespace: "doomed", name: "job" },
    spec: { replicas: 1, selector: { app: "job" }, template: podTemplate("job") },
  });
  await cluster.waitFor("doomed's pod running", async () => {
    await kubeletPass("doomed");
    return (await livePods("doomed", "job")).some((p) => p.status?.podIP);
  });
  await namespaces.delete(undefined, "doomed");
  await cluster.waitFor(
    "namespace doomed gone",
    async () => {
      await kubeletPass("doomed");
      try {
        await namespaces.get(undefined, "doomed");
        return false;
      } catch (e) {
        if (isNotFound(e)) return true;
        throw e;
      }
    },
    20_000,
  );
});

test("deleting the replication controller garbage-collects its pods", async () => {
  await clientOf<ReplicationController>("", "v1", "replicationcontrollers").delete("default", "web", { propagationPolicy: "Background" });
  await cluster.waitFor("no pods of web left", async () => {
    await kubeletPass("default");
    return (await pods().list("default", { labelSelector: "app=web" })).items.length === 0;
  });
});

test("a node that goes silent turns NotReady and its pods are evicted", async () => {
  const victim = await pods().create({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace: "default", name: "victim" },
    spec: {
      nodeName: "node-2",
      containers: [{ name: "app", image: "nginx" }],
      tolerations: [
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 },
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 },
      ],
    },
  });
  await kubelets.get("node-2")?.runPod("default", victim.metadata.name ?? "", "10.1.9.9");
  await kubelets.get("node-2")?.stop();
  const nodes = clientOf<Node>("", "v1", "nodes");
  await cluster.waitFor("node-2 not Ready", async () => (await nodes.get(undefined, "node-2")).status?.conditions?.find((c) => c.type === "Ready")?.status !== "True");
  await cluster.waitFor("victim evicted", async () => {
    try {
      return Boolean((await pods().get("default", "victim")).metadata.deletionTimestamp);
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
  });
});

test("the controllers' service accounts exist in kube-system", async () => {
  const accounts = (await clientOf<ServiceAccount>("", "v1", "serviceaccounts").list("kube-system")).items.map((a) => a.metadata.name);
  for (const want of controllerServiceAccounts(allControllers.map((c) => c.name))) assert.ok(accounts.includes(want), `${want} in ${accounts.join(", ")}`);
});

test("no request of the controller manager or of any controller was refused", () => {
  // The flows above have every identity at work (but the CSR controllers', which act only on
  // CertificateSigningRequests), so a refusal could not hide behind silence.
  const idle = new Set(["system:serviceaccount:kube-system:certificate-controller"]);
  const identities = ["system:kube-controller-manager", ...new Set(allControllers.map((c) => controllerIdentity(c.name).name))].filter((name) => !idle.has(name));
  assert.deepEqual(
    identities.filter((name) => !seen.has(name)),
    [],
    "identities that made no request",
  );
  assert.deepEqual(forbidden, []);
});
