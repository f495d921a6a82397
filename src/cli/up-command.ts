// `svcnet up`: a whole cluster on this machine. As root it builds the namespace sandbox
// (underlay, one namespace per node with docker0 and host-gw routes) and runs a real node
// agent per node, so pods run as processes on real addresses; otherwise, or with
// --simulated, the nodes are simulated (kwok-style). Ctrl-C stops the pods and removes the
// sandbox; `svcnet down` removes what a crash left.

import { join, resolve } from "node:path";
import { SandboxNode } from "../agent/node/sandbox-node.js";
import { SimulatedNode } from "../agent/simulated/simulated-node.js";
import { HttpsTransport } from "../client/index.js";
import { destroyByPrefix } from "../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";
import { buildSandboxNetwork } from "../sandbox/sandbox-network.js";
import { planTopology } from "../sandbox/topology-plan.js";
import { runHostPortForwarding } from "../sandbox/forwarder/host-port-forwarding.js";
import { runApiAccess } from "../sandbox/forwarder/api-access.js";
import { nthNode } from "./agent-command.js";
import { parseIptablesBackend } from "../proxy/iptables/iptables-commands.js";
import { parseProfile } from "./proxy-flags.js";
import { runServer } from "./server-command.js";
import { applyAddon } from "../server/addons/apply-addon.js";
import { clusterDnsObjects, defaultClusterDnsOptions } from "../server/addons/cluster-dns.js";
import { loadBalancerPoolObjects } from "../server/addons/load-balancer-pool.js";

function banner(kubeconfig: string, nodes: number, simulated: boolean, id: string): string {
  return [
    "",
    `svcnet is up: the control plane and ${nodes} ${simulated ? "simulated " : ""}node(s) (core-v2-01… at 172.17.8.101…).`,
    "In another shell:",
    `  export KUBECONFIG=${kubeconfig}`,
    "  kubectl create -f examples/seed/rc_nginx.yaml -f examples/seed/service_nginx.yaml",
    "  kubectl get pods -o wide; kubectl get svc,ep",
    "",
    simulated
      ? "Simulated nodes run no processes: pods become Running and Ready with addresses only."
      : "Pods run as processes in their own network namespaces, reachable from each other.",
    simulated
      ? "Simulated nodes run no proxy: Service IPs and NodePorts need the namespace sandbox (root)."
      : [
          "Each node runs the service proxy (iptables, as kube-proxy). To see the seed's rules and use them:",
          `  ip netns exec svcnet-${id}-core-v2-01 iptables -t nat -L -v -n`,
          "  curl http://127.0.0.1:<nodePort>/        (every TCP NodePort is forwarded to core-v2-01 from 127.0.0.1)",
          `  ip netns exec svcnet-${id}-client curl http://172.17.8.101:<nodePort>/   (from outside the cluster)`,
          `  svcnet trace --from 10.1.14.5 --to <clusterIP>:8000 --node core-v2-01 --sandbox-id ${id}`,
        ].join("\n"),
    simulated
      ? "Simulated nodes run no cluster DNS (its pods need real nodes)."
      : "Cluster DNS: Service kube-system/kube-dns at 10.0.0.10 (Deployment coredns, image svcnet/dns); pods resolve names like nginx-service.",
    simulated
      ? "LoadBalancer services get addresses, but simulated nodes announce none."
      : [
          "LoadBalancer: addresses from the pool metallb-system/default (172.17.8.201-172.17.8.250), announced by one node (layer 2):",
          "  kubectl apply -f examples/seed/service_nginx_loadbalancer.yaml; kubectl get svc nginx-service",
          `  ip netns exec svcnet-${id}-client curl http://<EXTERNAL-IP>:8000/   or   curl http://127.0.0.1:8000/`,
        ].join("\n"),
    "Stop with Ctrl-C (pods are stopped and the sandbox removed); state stays in the data dir.",
  ].join("\n");
}

export function runUp(argv: string[]): Promise<number> {
  return runServer(argv, {
    extraFlags: {
      nodes: { type: "string", default: "2" },
      simulated: { type: "string", default: "auto" },
      "sandbox-id": { type: "string", default: "up" },
      "rules-profile": { type: "string", default: "modern" },
      "iptables-backend": { type: "string", default: "system" },
    },
    async afterStart(cp, { flags, signal }) {
      const count = Number(flags.nodes);
      if (!Number.isInteger(count) || count < 0 || count > 99) throw new Error(`--nodes must be an integer from 0 to 99, got ${JSON.stringify(flags.nodes)}`);
      if (!["auto", "true", "false"].includes(flags.simulated)) throw new Error(`--simulated must be auto, true or false, got ${JSON.stringify(flags.simulated)}`);
      const isRoot = process.getuid?.() === 0;
      if (flags.simulated === "false" && !isRoot) throw new Error("the namespace sandbox needs root: run as root, or use --simulated=true");
      const simulated = flags.simulated === "true" || (flags.simulated === "auto" && !isRoot);
      const profile = parseProfile(flags["rules-profile"]);
      const backend = parseIptablesBackend(flags["iptables-backend"]);
      const transport = HttpsTransport.fromKubeconfig(cp.kubeconfigPath);
      const base = { name: "core-v2-01", ip: "172.17.8.101", podCIDR: "10.1.13.0/24" };
      const runs: Promise<void>[] = [];
      if (simulated) {
        for (let i = 0; i < count; i++) {
          const n = nthNode(base, i, count);
          runs.push(new SimulatedNode({ transport, name: n.name, nodeIP: n.ip, podCIDR: n.podCIDR }).run(signal));
        }
      } else if (count > 0) {
        const runner = new ExecIpRunner();
        const id = flags["sandbox-id"];
        process.stdout.write(`building the sandbox network (svcnet-${id}-*): ${count} node namespaces… `);
        await destroyByPrefix(runner, { id });
        const net = await buildSandboxNetwork(planTopology({ id, nodes: count }), runner);
        console.log("done");
        const dataDir = resolve(join(cp.kubeconfigPath, "..", "nodes"));
        for (const n of net.nodes) {
          runs.push(
            new SandboxNode({ transport, name: n.name, nodeIP: n.ip, podCIDR: n.podCidr, sandbox: net, dataDir: join(dataDir, n.name), proxy: { profile, backend } }).run(signal),
          );
        }
        // NodePorts and LoadBalancer ports answer on the host's 127.0.0.1, through a relay inside
        // the sandbox (in the outside client's namespace, where an external client of a VIP sits).
        const first = net.nodes[0];
        runs.push(
          runHostPortForwarding(
            { transport, netns: net.plan.client.netns, nodeIP: first.ip, allow: ["172.17.8.0/24"], log: (line) => console.error(`svcnet: ${line}`) },
            signal,
          ),
        );
        // Pods reach the API through the `kubernetes` Service: its endpoint, the advertised address,
        // answers in the node namespace that owns it and is relayed to the API on 127.0.0.1.
        const advertised = net.nodes.find((n) => n.ip === cp.advertiseAddress);
        if (advertised) {
          runs.push(
            runApiAccess(
              { netns: advertised.netns, listen: { host: advertised.ip, port: cp.address.port }, apiPort: cp.address.port, log: (line) => console.error(`svcnet: ${line}`) },
              signal,
            ),
          );
        }
        // The cluster DNS runs as pods, as CoreDNS does: created once, kept as the user leaves it.
        const applied = await applyAddon(transport, clusterDnsObjects(defaultClusterDnsOptions));
        console.log(`cluster DNS: ${applied.map((a) => `${a.object} ${a.outcome}`).join(", ")}`);
        // LoadBalancer services get addresses from a pool on the node network (MetalLB's objects).
        const pools = await applyAddon(transport, loadBalancerPoolObjects());
        console.log(`LoadBalancer pool: ${pools.map((a) => `${a.object} ${a.outcome}`).join(", ")}`);
        // When the agents have stopped their pods, the sandbox goes.
        void Promise.allSettled(runs).then(() => net.destroy().catch((e: unknown) => console.error("svcnet: removing the sandbox:", e)));
      }
      for (const r of runs) r.catch((e: unknown) => console.error("svcnet: a node agent stopped:", e));
      void Promise.allSettled(runs).then(() => transport.close());
      console.log(banner(cp.kubeconfigPath, count, simulated, flags["sandbox-id"]));
    },
  });
}
