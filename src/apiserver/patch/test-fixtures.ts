// Small object builders shared by the patch tests.

import type { JsonObject } from "../../api/json.js";

type Mutate = (o: JsonObject & { metadata: JsonObject; spec: JsonObject }) => void;

function build(apiVersion: string, kind: string, name: string, spec: JsonObject, mutate?: Mutate): JsonObject {
  const o = { apiVersion, kind, metadata: { name, namespace: "default" } as JsonObject, spec };
  mutate?.(o);
  return o;
}

/** A ClusterIP-less NodePort Service `name` with one defaulted port 8000 → 8080. */
export function makeService(name: string, mutate?: Mutate): JsonObject {
  return build(
    "v1",
    "Service",
    name,
    {
      type: "NodePort",
      selector: { app: name },
      ports: [{ name: "http", port: 8000, protocol: "TCP", targetPort: 8080, nodePort: 30802 }],
    },
    mutate,
  );
}

/** A Deployment `name` whose pod template has one container `web` (nginx) with env A=1, B=2. */
export function makeDeployment(name: string, mutate?: Mutate): JsonObject {
  return build(
    "apps/v1",
    "Deployment",
    name,
    {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.25",
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              ports: [{ containerPort: 80, protocol: "TCP" }],
            },
            { name: "sidecar", image: "busybox" },
          ],
        },
      },
    },
    mutate,
  );
}

/** A Node `name` with one condition, two addresses, a pod CIDR and a taint. */
export function makeNode(name: string, mutate?: Mutate): JsonObject {
  const o = build("v1", "Node", name, { podCIDRs: ["10.1.13.0/24"], taints: [{ key: "a", effect: "NoSchedule" }] }, mutate);
  delete (o.metadata as JsonObject).namespace;
  o.status = {
    conditions: [{ type: "Ready", status: "True" }],
    addresses: [
      { type: "InternalIP", address: "172.17.8.101" },
      { type: "Hostname", address: name },
    ],
  };
  return o;
}
