// The cluster DNS add-on `svcnet up` deploys, shaped as kubeadm deploys CoreDNS: a Deployment
// `coredns` in kube-system (two replicas of the built-in image svcnet/dns, readiness on /ready
// :8181, liveness on /health :8080, dnsPolicy Default so it never asks itself) behind the
// Service `kube-dns` at the cluster DNS address with ports dns 53/UDP, dns-tcp 53/TCP and
// metrics 9153/TCP. Pure: objects only; applying them is the caller's job.

import type { KubeObject } from "../../api/types.js";

export interface ClusterDnsOptions {
  /** The kube-dns Service's ClusterIP, kubelet's --cluster-dns (10.0.0.10 here). */
  clusterIP: string;
  clusterDomain: string;
  replicas: number;
  /** `svcnet dns --pods` (kubeadm's Corefile uses insecure). */
  pods: "disabled" | "insecure" | "verified";
}

export const defaultClusterDnsOptions: ClusterDnsOptions = { clusterIP: "10.0.0.10", clusterDomain: "cluster.local", replicas: 2, pods: "insecure" };

const LABELS = { "k8s-app": "kube-dns" };

export function clusterDnsObjects(o: ClusterDnsOptions = defaultClusterDnsOptions): KubeObject[] {
  const serviceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: "kube-system" } };
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels: LABELS },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: LABELS },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: "coredns",
          dnsPolicy: "Default",
          containers: [
            {
              name: "coredns",
              image: "svcnet/dns",
              args: ["--cluster-domain", o.clusterDomain, "--pods", o.pods, "--listen", ":53", "--health", ":8080", "--ready", ":8181", "--metrics", ":9153"],
              ports: [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                { name: "metrics", containerPort: 9153, protocol: "TCP" },
              ],
              readinessProbe: { httpGet: { path: "/ready", port: 8181, scheme: "HTTP" }, periodSeconds: 2 },
              livenessProbe: { httpGet: { path: "/health", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kube-dns",
      namespace: "kube-system",
      labels: { ...LABELS, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
      annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
    },
    spec: {
      selector: LABELS,
      clusterIP: o.clusterIP,
      clusterIPs: [o.clusterIP],
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
    },
  };
  return [serviceAccount, deployment, service] as unknown as KubeObject[];
}
