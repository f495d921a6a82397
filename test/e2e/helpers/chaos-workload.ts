// The workload of the chaos test and the fault benchmark on `svcnet up`: a ReplicationController
// "web" of three netexec pods (they answer /hostname with their name, so a request shows who
// answered) that tolerate an unreachable or not-ready node for 2 s, a NodePort Service "web",
// and a busybox "client" pod pinned to core-v2-01 for requests from inside the cluster.

import type { UpCluster } from "./up-cluster.js";
import { webEndpointIPs, webPods, webWorkloadOf } from "./web-workload.js";

/** webWorkloadOf with netexec (answers /hostname on 8080) behind a NodePort Service. */
export const chaosWorkload = webWorkloadOf(
  { name: "netexec", image: "svcnet/netexec", readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 1 } },
  { type: "NodePort", ports: [{ port: 80, targetPort: 8080 }] },
);

/** Three ready web pods, none being deleted, every node Ready, and the endpoints listing exactly the ready pods. */
export async function chaosSettled(up: UpCluster): Promise<boolean> {
  return (await chaosUnsettled(up)) === undefined;
}

/** What keeps the cluster from being settled (see chaosSettled), or undefined when it is. */
export async function chaosUnsettled(up: UpCluster): Promise<string | undefined> {
  const all = await webPods(up);
  const pods = all.filter((p) => !p.deleting);
  const ready = pods.filter((p) => p.ready);
  const nodes = await up.kubectl(["get", "nodes", "--no-headers"]);
  const nodeLines = nodes.stdout.trim().split("\n");
  const endpoints = await webEndpointIPs(up);
  const want = ready.map((p) => p.ip).sort();
  const why: string[] = [];
  if (pods.length !== 3 || ready.length !== 3) why.push(`web pods: ${all.map((p) => `${p.name}@${p.node}${p.ready ? "" : " not ready"}${p.deleting ? " deleting" : ""}`).join(", ") || "none listed"}`);
  if (nodes.code !== 0) why.push(`kubectl get nodes: ${nodes.stderr.trim().split("\n").pop()}`);
  else if (nodeLines.length !== 3 || !nodeLines.every((l) => /\sReady\s/.test(l))) {
    const leases = await up.kubectl(["-n", "kube-node-lease", "get", "lease", "-o", "jsonpath={range .items[*]}{.metadata.name} renewed {.spec.renewTime}, {end}"]);
    why.push(`nodes: ${nodeLines.map((l) => l.split(/\s+/).slice(0, 2).join(" ")).join(", ")} (now ${new Date().toISOString()}; leases: ${leases.stdout.trim()})`);
  }
  if (endpoints.join() !== want.join()) why.push(`endpoints ${endpoints.join(",") || "none"} vs ready pods ${want.join(",")}`);
  return why.length ? why.join("; ") : undefined;
}
