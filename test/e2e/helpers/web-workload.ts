// The workload of the node fault tests: a ReplicationController "web" of three nginx pods that
// tolerate an unreachable or not-ready node for 2 s (so eviction comes quickly), a Service "web"
// and a busybox "client" pod pinned to core-v2-01; and how those tests read it back.

import type { KubectlResult } from "./server-process.js";

const tolerate = (key: string) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 2 });

/** The workload around `container`: a 3-replica ReplicationController "web" of it, Service "web" (`service` merged into its spec) and the client pod. */
export function webWorkloadOf(container: Record<string, unknown>, service: Record<string, unknown> = {}): Record<string, unknown>[] {
  return [
    {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: 3,
        selector: { app: "web" },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            terminationGracePeriodSeconds: 1,
            tolerations: [tolerate("node.kubernetes.io/unreachable"), tolerate("node.kubernetes.io/not-ready")],
            containers: [container],
          },
        },
      },
    },
    { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }], ...service } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "client", namespace: "default" },
      spec: { nodeName: "core-v2-01", containers: [{ name: "client", image: "busybox", command: ["sleep", "3600"] }] },
    },
  ];
}

export const webWorkload = webWorkloadOf({ name: "nginx", image: "nginx", readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 1 } });

/** A web pod as the tests look at it. */
export interface WebPod {
  name: string;
  node: string;
  ip: string;
  ready: boolean;
  deleting: boolean;
  restarts: number;
}

/** Whatever runs kubectl against the cluster (a ServerProcess, an UpCluster). */
export interface Kubectl {
  kubectl(args: string[]): Promise<KubectlResult>;
}

/** The web pods, as the API lists them now (none when the API does not answer). */
export async function webPods(cluster: Kubectl): Promise<WebPod[]> {
  const r = await cluster.kubectl(["get", "pods", "-l", "app=web", "-o", "json"]);
  if (r.code !== 0) return [];
  const list = JSON.parse(r.stdout) as { items: { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount: number }[] } }[] };
  return list.items.map((p) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? "",
    ip: p.status.podIP ?? "",
    ready: p.status.conditions?.some((x) => x.type === "Ready" && x.status === "True") ?? false,
    deleting: p.metadata.deletionTimestamp !== undefined,
    restarts: p.status.containerStatuses?.[0]?.restartCount ?? 0,
  }));
}

/** The addresses of the web Endpoints, sorted. */
export async function webEndpointIPs(cluster: Kubectl): Promise<string[]> {
  return (await cluster.kubectl(["get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).stdout.split(" ").filter(Boolean).sort();
}
