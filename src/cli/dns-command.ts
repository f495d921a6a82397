// `svcnet dns`: the cluster DNS server (CoreDNS' role) — watches namespaces, services and
// EndpointSlices (and pods with --pods verified) and answers for the cluster domain and the
// reverse zones over UDP and TCP. Names outside those zones are refused unless --upstream
// names a server to forward them to, so it is never an open resolver.

import { parseArgs } from "node:util";
import { HttpsTransport } from "../client/index.js";
import { DnsMetrics } from "../dns/server/dns-metrics.js";
import { splitHostPort, startDnsHttp } from "../dns/server/dns-http.js";
import { listenDns } from "../dns/server/dns-listener.js";
import { watchCluster } from "../dns/server/cluster-watch.js";
import { QueryHandler } from "../dns/server/query-handler.js";
import { udpForwarder } from "../dns/server/upstream.js";
import { ClusterIndex } from "../dns/zone/cluster-index.js";
import type { PodsMode } from "../dns/zone/resolve.js";

const help = `Run the cluster DNS: answer for Services and Pods by name, as CoreDNS does in Kubernetes.

Usage:
  svcnet dns [flags]

Flags:
  --kubeconfig path        credentials for the API server (default "./.svcnet/kubeconfig"; inside a
                           pod without this flag: the pod's service account)
  --listen addr            UDP and TCP address (default ":53")
  --cluster-domain d       the cluster domain (default "cluster.local")
  --ttl seconds            TTL of answers, 0-3600 (default 5)
  --pods mode              <ip>.<ns>.pod names: disabled (default), insecure or verified
  --upstream host:port     forward names outside the cluster zones there (default: refuse them)
  --health addr            GET /health (default ":8080"; "" turns it off)
  --ready addr             GET /ready, 200 once synced (default ":8181"; "" turns it off)
  --metrics addr           GET /metrics (default ":9153"; "" turns it off)`;

class FlagError extends Error {}

export async function runDns(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: "string" },
        listen: { type: "string", default: ":53" },
        "cluster-domain": { type: "string", default: "cluster.local" },
        ttl: { type: "string", default: "5" },
        pods: { type: "string", default: "disabled" },
        upstream: { type: "string" },
        health: { type: "string", default: ":8080" },
        ready: { type: "string", default: ":8181" },
        metrics: { type: "string", default: ":9153" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet dns --help' for usage.`);
    return 1;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  let transport: HttpsTransport;
  let listen: { host: string; port: number };
  let upstream: { host: string; port: number } | undefined;
  let ttl: number;
  let pods: PodsMode;
  let zone: string;
  try {
    ttl = Number(values.ttl);
    if (!/^\d+$/.test(values.ttl) || ttl > 3600) throw new FlagError(`--ttl must be a whole number of seconds from 0 to 3600, got ${JSON.stringify(values.ttl)}`);
    if (!["disabled", "insecure", "verified"].includes(values.pods)) throw new FlagError(`--pods must be disabled, insecure or verified, got ${JSON.stringify(values.pods)}`);
    pods = values.pods as PodsMode;
    zone = values["cluster-domain"].toLowerCase().replace(/\.$/, "");
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(zone)) throw new FlagError(`--cluster-domain ${JSON.stringify(values["cluster-domain"])} is not a domain name`);
    listen = parseAddress("--listen", values.listen);
    upstream = values.upstream ? parseAddress("--upstream", values.upstream) : undefined;
    transport = openTransport(values.kubeconfig);
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  const index = new ClusterIndex();
  const watch = watchCluster({ transport, index, pods: pods === "verified", signal: stop.signal });
  const cache = { entries: (): number => 0 };
  const metrics = new DnsMetrics({ zone, cacheEntries: () => cache.entries(), indexSize: () => index.size() });
  const forwarder = upstream ? udpForwarder(upstream) : undefined;
  const handler = new QueryHandler({
    index,
    resolve: { zone, ttl, pods, dnsService: { namespace: "kube-system", name: "kube-dns" } },
    synced: watch.synced,
    metrics,
    ...(forwarder && { forward: forwarder.forward }),
  });
  cache.entries = () => handler.cacheEntries;
  let closeAll: (() => Promise<void>)[] = [];
  try {
    const dns = await listenDns({ handler, host: listen.host, port: listen.port });
    const http = await startDnsHttp({ health: values.health, ready: values.ready, metrics: values.metrics, synced: watch.synced, renderMetrics: () => metrics.registry.render() });
    closeAll = [dns.close, http.close];
    console.log(`svcnet dns: serving ${zone}, in-addr.arpa and ip6.arpa on ${dns.host}:${dns.port} (udp, tcp); ttl ${ttl}s, pods ${pods}, ${upstream ? `other names forwarded to ${values.upstream}` : "other names refused"}`);
    for (const [path, address] of Object.entries(http.addresses)) console.log(`svcnet dns: ${path} on ${address}`);
  } catch (e) {
    console.error(`error: cannot listen: ${e instanceof Error ? e.message : String(e)}`);
    stop.abort();
    transport.close();
    return 1;
  }
  await watch.whenSynced;
  if (!stop.signal.aborted) console.log("svcnet dns: synced with the API server");
  await new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
  await Promise.all(closeAll.map((c) => c()));
  forwarder?.close();
  await watch.done.catch(() => undefined);
  transport.close();
  return 0;
}

function parseAddress(flag: string, value: string): { host: string; port: number } {
  try {
    return splitHostPort(value);
  } catch (e) {
    throw new FlagError(`${flag}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The kubeconfig given, else the pod's service account when running in a pod, else ./.svcnet/kubeconfig. */
function openTransport(kubeconfig: string | undefined): HttpsTransport {
  if (kubeconfig === undefined && process.env["KUBERNETES_SERVICE_HOST"]) {
    try {
      return HttpsTransport.inCluster();
    } catch (e) {
      throw new FlagError(`running in a pod, but its service account cannot be used: ${e instanceof Error ? e.message : String(e)}; give --kubeconfig`);
    }
  }
  const path = kubeconfig ?? "./.svcnet/kubeconfig";
  try {
    return HttpsTransport.fromKubeconfig(path);
  } catch (e) {
    throw new FlagError(`cannot read --kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
