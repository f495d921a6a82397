// Reads the service proxy's live rules on this node for GET /proxyRules (src/api/node-proxy-rules.ts):
// `iptables-save -c` of filter and nat, or nftables' kube-proxy table as JSON, and the node's
// addresses — inside the node's network namespace when it has one. Needs root, as the proxy does.

import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import type { IptablesBackend } from "../../proxy/iptables/iptables-commands.js";
import { runCommand } from "../../proxy/iptables/iptables-commands.js";
import { ExecNft } from "../../proxy/nftables/nft-commands.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";

export interface ProxyRulesReaderOptions {
  mode: NodeProxyRules["mode"];
  /** The node's network namespace; the agent's own otherwise. */
  netns?: string;
  /** Which iptables programs the proxy uses; default "system". */
  backend?: IptablesBackend;
  timeoutMs?: number;
}

/** Reads the rules now; throws an Error naming the command that failed. */
export async function readProxyRules(o: ProxyRulesReaderOptions): Promise<NodeProxyRules> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const prefix = o.netns === undefined ? [] : ["ip", "netns", "exec", o.netns];
  const localAddresses = await nodeAddresses(o.netns);
  if (o.mode === "userspace" || o.mode === "none") return { mode: o.mode, localAddresses };
  if (o.mode === "nftables") {
    const nft = new ExecNft({ ...(o.netns !== undefined ? { netns: o.netns } : {}), timeoutMs });
    return { mode: o.mode, nftJson: await nft.listTable({ json: true }), localAddresses };
  }
  const save = `iptables${o.backend === undefined || o.backend === "system" ? "" : `-${o.backend}`}-save`;
  let text = "";
  for (const table of ["filter", "nat"]) {
    const argv = [...prefix, save, "-c", "-t", table];
    const result = await runCommand(argv, undefined, timeoutMs);
    if (result.code !== 0) throw new Error(`\`${argv.join(" ")}\` exited ${result.code}: ${result.stderr.trim().split("\n")[0] ?? ""}`);
    text += result.stdout;
  }
  return { mode: o.mode, iptablesSave: text, localAddresses };
}

/** The IPv4 addresses of the namespace's interfaces (`ip -j -4 addr show`). */
async function nodeAddresses(netns: string | undefined): Promise<string[]> {
  const out = await new ExecIpRunner().ip([...(netns === undefined ? [] : ["-n", netns]), "-j", "-4", "addr", "show"]);
  const links = JSON.parse(out) as { addr_info?: { local?: string }[] }[];
  return links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local ?? "")).filter((a) => a !== "");
}
