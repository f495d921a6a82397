// The first-packet benchmark's network: one backend namespace and one client namespace per
// measured path, each client joined to the backend by a veth pair of its own (client
// 10.1.<200+k>.1/24, backend 10.1.<200+k>.2/24) with its default route towards the backend.
// Every path gets its own client namespace so that each keeps its rules (iptables or nftables,
// 1 or 10k services) for the whole run and rounds can alternate paths without re-syncing; rules
// of one mode never see another mode's packets. Nothing is created or changed in the root
// namespace: links are created inside the client namespace and their peer moved straight into
// the backend's. Synchronous, so that a signal handler can tear it down before exiting.

import { execFileSync } from "node:child_process";

/** One client namespace and the addresses of its link to the backend. */
export interface ClientLink {
  netns: string;
  clientIP: string;
  /** The backend's address on this client's link (what "direct to the pod" connects to). */
  backendIP: string;
}

/** The namespaces of one benchmark run. */
export interface Topology {
  backend: string;
  /** By the key given to createTopology. */
  clients: ReadonlyMap<string, ClientLink>;
  /** Deletes every namespace created (processes in them must be ended first). Idempotent; never throws. */
  destroy(): void;
}

function run(argv: readonly string[]): void {
  execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Creates the backend namespace and one client namespace per key (at most 50), named
 * `svcnet-<id>-fp-be` and `svcnet-<id>-fp-c<k>`. Client namespaces get the port range
 * 1024–65000. On failure, deletes what it had created and throws.
 */
export function createTopology(id: string, clientKeys: readonly string[]): Topology {
  if (clientKeys.length > 50) throw new Error("createTopology: at most 50 clients");
  const created: string[] = [];
  const destroy = (): void => {
    for (const netns of created.splice(0).reverse()) {
      try {
        run(["ip", "netns", "del", netns]);
      } catch {
        // Already gone (or busy): nothing more to do here.
      }
    }
  };
  const addNetns = (name: string): string => {
    run(["ip", "netns", "add", name]);
    created.push(name);
    run(["ip", "-n", name, "link", "set", "lo", "up"]);
    return name;
  };
  try {
    const backend = addNetns(`svcnet-${id}-fp-be`);
    const clients = new Map<string, ClientLink>();
    clientKeys.forEach((key, i) => {
      const k = i + 1;
      const netns = addNetns(`svcnet-${id}-fp-c${k}`);
      const clientIP = `10.1.${200 + k}.1`;
      const backendIP = `10.1.${200 + k}.2`;
      const peer = `fp${k}`;
      run(["ip", "-n", netns, "link", "add", "fp0", "type", "veth", "peer", "name", peer, "netns", backend]);
      run(["ip", "-n", netns, "addr", "add", `${clientIP}/24`, "dev", "fp0"]);
      run(["ip", "-n", netns, "link", "set", "fp0", "up"]);
      run(["ip", "-n", backend, "addr", "add", `${backendIP}/24`, "dev", peer]);
      run(["ip", "-n", backend, "link", "set", peer, "up"]);
      // ClusterIPs are reached the way a pod reaches them: by its default route.
      run(["ip", "-n", netns, "route", "add", "default", "via", backendIP]);
      run(["ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000"]);
      clients.set(key, { netns, clientIP, backendIP });
    });
    return { backend, clients, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
}
