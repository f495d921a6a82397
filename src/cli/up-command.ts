// `svcnet up`: a whole cluster on this machine. Today: the control plane plus N simulated
// nodes (svcnet agent --simulated, over HTTPS with the kubeconfig, as a real agent would
// connect) — pods are scheduled, get addresses and become endpoints, but run no processes
// yet. The namespace sandbox with real agents replaces the simulated nodes (issue 4).

import { SimulatedNode } from "../agent/simulated/simulated-node.js";
import { HttpsTransport } from "../client/index.js";
import { nthNode } from "./agent-command.js";
import { runServer } from "./server-command.js";

function banner(kubeconfig: string, nodes: number): string {
  return [
    "",
    `svcnet is up: the control plane and ${nodes} simulated node(s) (core-v2-01… at 172.17.8.101…).`,
    "In another shell:",
    `  export KUBECONFIG=${kubeconfig}`,
    "  kubectl create -f examples/seed/rc_nginx.yaml -f examples/seed/service_nginx.yaml",
    "  kubectl get pods -o wide; kubectl get svc,ep",
    "",
    "Simulated nodes run no processes: pods become Running and Ready with addresses, but nothing",
    "answers on them yet (the namespace sandbox, the proxy and DNS come with the next issues).",
    "Stop with Ctrl-C; state stays in the data dir for the next start.",
  ].join("\n");
}

export function runUp(argv: string[]): Promise<number> {
  return runServer(argv, {
    extraFlags: { nodes: { type: "string", default: "2" } },
    async afterStart(cp, { flags, signal }) {
      const count = Number(flags.nodes);
      if (!Number.isInteger(count) || count < 0 || count > 99) throw new Error(`--nodes must be an integer from 0 to 99, got ${JSON.stringify(flags.nodes)}`);
      const transport = HttpsTransport.fromKubeconfig(cp.kubeconfigPath);
      signal.addEventListener("abort", () => transport.close(), { once: true });
      const base = { name: "core-v2-01", ip: "172.17.8.101", podCIDR: "10.1.13.0/24" };
      for (let i = 0; i < count; i++) {
        const n = nthNode(base, i, count);
        void new SimulatedNode({ transport, name: n.name, nodeIP: n.ip, podCIDR: n.podCIDR })
          .run(signal)
          .catch((e: unknown) => console.error(`svcnet: simulated node ${n.name} stopped:`, e));
      }
      console.log(banner(cp.kubeconfigPath, count));
    },
  });
}
