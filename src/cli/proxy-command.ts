// `svcnet proxy`: the service proxy (kube-proxy's role) on its own, against any Kubernetes API
// server. It programs iptables or nftables (--mode) in the namespace it runs in — or, with
// --netns, in a named network namespace (the sandbox's nodes) — or proxies connections itself
// (--mode userspace, in the namespace it runs in), and serves /metrics and /healthz like
// kube-proxy. Starting in one mode removes the other modes' rules; --cleanup removes them all.

import { parseArgs } from "node:util";
import { requireResource } from "../api/resources.js";
import type { Node } from "../api/types.js";
import { HttpsTransport, KubeClient, isNotFound } from "../client/index.js";
import { ConntrackCleaner } from "../proxy/conntrack/conntrack-cleaner.js";
import { ExecIptables, parseIptablesBackend } from "../proxy/iptables/iptables-commands.js";
import { cleanupRules } from "../proxy/iptables/netfilter-setup.js";
import { ExecNft, cleanupNftables } from "../proxy/nftables/nft-commands.js";
import { ServiceProxy } from "../proxy/service-proxy.js";
import { DummyInterfaceAddresses, ExecIpCommand, cleanupUserspace } from "../proxy/userspace/service-address-interface.js";
import { parseCIDR } from "../allocators/cidr.js";
import { FlagError, checkMode, nodeConfigFromFlags, nodeFlagOptions, parseProfile } from "./proxy-flags.js";
import { parseDuration } from "./server-command.js";
import { hostname } from "node:os";

const help = `Run the service proxy: watch Services and EndpointSlices and program iptables or nftables as kube-proxy does.

Usage:
  svcnet proxy [flags]

Flags:
  --kubeconfig path              credentials for the API server (default "./.svcnet/kubeconfig")
  --node-name name               this node (default: the hostname); its endpoints are local
  --node-ip ip[,ip]              this node's addresses (default: the Node's InternalIP)
  --mode m                       iptables (default), nftables (one "kube-proxy" table, one nft
                                 transaction per sync) or userspace (the proxy forwards TCP and UDP
                                 itself, listening on the service addresses: as root it puts them on
                                 the interface svcnet-svc0; without root, use a 127.x service range);
                                 starting in one mode removes the other modes' rules
  --udp-timeout d                userspace mode: idle time after which a UDP session ends (default 30s)
  --rules-profile p              iptables mode: "modern" (default) or "seed" (kube-proxy 1.2's layout, as in the seed)
  --service-cidr cidrs           nftables mode: drop traffic to addresses in these ranges no Service holds
  --ip-family f                  IPv4 (default) or IPv6: the family this proxy serves; IPv6 writes
                                 table ip6 kube-proxy (nftables mode only)
  --cluster-cidr cidr[,cidr]     the pod range, one per family (enables masquerading of off-cluster
                                 traffic to ClusterIPs)
  --masquerade-all               masquerade all traffic to ClusterIPs
  --nodeport-addresses cidrs     NodePorts answer only on node addresses in these ranges
  --min-sync-period d            least time between syncs (default 1s)
  --sync-period d                canary check, retry and health timeout period (default 30s)
  --metrics-bind-address a       /metrics (default 127.0.0.1:10249; "" turns it off)
  --healthz-bind-address a       /healthz and /livez (default 0.0.0.0:10256; "" turns it off)
  --iptables-backend b           system (default: the iptables the host's alternatives choose), nft or
                                 legacy; legacy restores large rule sets much faster (bench/proxy-sync.ts)
  --netns name                   program this network namespace's tables instead of the current one
  --cleanup                      remove every rule, chain and table the proxy wrote (both modes), then exit`;

export async function runProxy(argv: string[]): Promise<number> {
  let proxy: ServiceProxy;
  let transport: HttpsTransport | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...nodeFlagOptions,
        kubeconfig: { type: "string", default: "./.svcnet/kubeconfig" },
        "min-sync-period": { type: "string", default: "1s" },
        "sync-period": { type: "string", default: "30s" },
        "metrics-bind-address": { type: "string", default: "127.0.0.1:10249" },
        "healthz-bind-address": { type: "string", default: "0.0.0.0:10256" },
        netns: { type: "string" },
        "iptables-backend": { type: "string", default: "system" },
        "service-cidr": { type: "string", default: "" },
        "udp-timeout": { type: "string", default: "30s" },
        cleanup: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const profile = parseProfile(values["rules-profile"]);
    let backend;
    try {
      backend = parseIptablesBackend(values["iptables-backend"]);
    } catch (e) {
      throw new FlagError(`--iptables-backend: ${e instanceof Error ? e.message : String(e)}`);
    }
    const mode = checkMode(values.mode, ["iptables", "nftables", "userspace"]);
    // A userspace proxy listens in its own process: it serves the namespace it runs in.
    if (mode === "userspace" && values.netns !== undefined) throw new FlagError("--mode userspace proxies in this process's own namespace: run it there (ip netns exec NAME svcnet proxy --mode userspace …) instead of --netns");
    const udpTimeout = parseDuration(values["udp-timeout"]);
    if (udpTimeout === undefined || udpTimeout <= 0) throw new FlagError(`--udp-timeout ${JSON.stringify(values["udp-timeout"])} is not a positive duration (e.g. 30s)`);
    const userspaceIp = new ExecIpCommand({ netns: values.netns });
    const commands = new ExecIptables({ netns: values.netns, backend });
    if (values.cleanup) {
      // Like kube-proxy --cleanup: both modes' rules go, whichever mode wrote them.
      const failures: string[] = [];
      await cleanupRules(commands, profile).catch((e: unknown) => failures.push(`iptables: ${e instanceof Error ? e.message : String(e)}`));
      for (const family of ["IPv4", "IPv6"] as const) {
        await cleanupNftables(new ExecNft({ netns: values.netns, ipFamily: family })).catch((e: unknown) => failures.push(`nftables (${family}): ${e instanceof Error ? e.message : String(e)}`));
      }
      await cleanupUserspace(userspaceIp).catch((e: unknown) => failures.push(`userspace: ${e instanceof Error ? e.message : String(e)}`));
      if (failures.length > 0) throw new Error(`cleanup incomplete (${commands.where}): ${failures.join("; ")}`);
      console.log(`svcnet proxy: removed the proxy's iptables rules, nftables tables (ip and ip6) and service address interface (${commands.where})`);
      return 0;
    }
    const serviceCIDRs = values["service-cidr"] === "" ? [] : values["service-cidr"].split(",").map((c) => c.trim());
    for (const cidr of serviceCIDRs) if (!parseCIDR(cidr)) throw new FlagError(`--service-cidr ${JSON.stringify(cidr)} is not a CIDR (e.g. 10.0.0.0/24)`);
    const minSync = parseDuration(values["min-sync-period"]);
    const syncPeriod = parseDuration(values["sync-period"]);
    if (minSync === undefined) throw new FlagError(`--min-sync-period ${JSON.stringify(values["min-sync-period"])} is not a duration (e.g. 1s, 500ms)`);
    if (syncPeriod === undefined || syncPeriod <= 0) throw new FlagError(`--sync-period ${JSON.stringify(values["sync-period"])} is not a positive duration (e.g. 30s)`);
    const config = { ...nodeConfigFromFlags({ ...values, "node-name": values["node-name"] || hostname() }, ["iptables", "nftables", "userspace"]), serviceCIDRs };
    try {
      transport = HttpsTransport.fromKubeconfig(values.kubeconfig);
    } catch (e) {
      throw new FlagError(`cannot read --kubeconfig ${values.kubeconfig}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (config.nodeIPs.length === 0) config.nodeIPs = await nodeAddresses(transport, config.nodeName);
    proxy = new ServiceProxy({
      transport,
      config,
      mode,
      commands,
      nft: new ExecNft({ netns: values.netns, ipFamily: config.ipFamily }),
      profile,
      minSyncPeriodMs: minSync,
      syncPeriodMs: syncPeriod,
      metricsBindAddress: values["metrics-bind-address"] || undefined,
      healthzBindAddress: values["healthz-bind-address"] || undefined,
      healthCheckAddresses: config.nodeIPs.length > 0 ? config.nodeIPs : undefined,
      conntrack: new ConntrackCleaner({ netns: values.netns, ipFamily: config.ipFamily }),
      serviceAddresses: mode === "userspace" && process.getuid?.() === 0 ? new DummyInterfaceAddresses({ ip: userspaceIp }) : undefined,
      udpIdleTimeoutMs: udpTimeout,
      userspaceIp,
      log: (line) => console.error(`svcnet proxy: ${line}`),
    });
  } catch (e) {
    transport?.close();
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet proxy --help' for usage.`);
    return 1;
  }
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  console.error("svcnet proxy: running; Ctrl-C to stop (the rules stay until `svcnet proxy --cleanup`)");
  try {
    await proxy.run(stop.signal);
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    transport.close();
  }
}

/** The Node's InternalIPs (then ExternalIPs), as kube-proxy finds its node IP; [] when the Node is missing. */
async function nodeAddresses(transport: HttpsTransport, nodeName: string): Promise<string[]> {
  try {
    const node = await new KubeClient<Node>(transport, requireResource("", "v1", "nodes")).get(undefined, nodeName);
    const addresses = node.status?.addresses ?? [];
    const internal = addresses.filter((a) => a.type === "InternalIP").map((a) => a.address);
    return internal.length > 0 ? internal : addresses.filter((a) => a.type === "ExternalIP").map((a) => a.address);
  } catch (e) {
    if (isNotFound(e)) {
      console.error(`svcnet proxy: node ${nodeName} not found; NodePorts answer on every local address`);
      return [];
    }
    throw e;
  }
}
