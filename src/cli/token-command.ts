// `svcnet token create|list|delete`: the bootstrap tokens other machines join with, as
// `kubeadm token` manages them — Secrets kube-system/bootstrap-token-<id> (bootstrap-token.ts),
// written and read through the API with the admin kubeconfig.

import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { requireResource } from "../api/resources.js";
import type { ConfigMap, KubeList } from "../api/types.js";
import { HttpsTransport, KubeClient, isNotFound, loadKubeconfig } from "../client/index.js";
import type { BootstrapTokenInfo, BootstrapTokenSecret } from "../apiserver/bootstrap-token.js";
import {
  bootstrapTokenInfo,
  bootstrapTokenNamespace,
  bootstrapTokenSecret,
  bootstrapTokenSecretName,
  bootstrapTokenSpecError,
  formatBootstrapToken,
  generateBootstrapToken,
  isBootstrapTokenId,
  parseBootstrapToken,
  parseRfc3339,
} from "../apiserver/bootstrap-token.js";
import { caCertHash, clusterInfoName, clusterInfoNamespace, readClusterInfo } from "../apiserver/bootstrap-token-discovery.js";
import { JOIN_TOKEN_GROUP } from "../apiserver/authorization/bootstrap-policy.js";
import { parseJoinTokenTtl } from "./server-command.js";

const help = `Manage the bootstrap tokens other machines join the cluster with ('svcnet agent --token').

Usage:
  svcnet token create [--ttl 24h] [--description text] [--print-join-command]
  svcnet token list
  svcnet token delete <token-id>|<token>

Flags:
  --kubeconfig path        admin credentials (default "./.svcnet/kubeconfig")
  --ttl duration           how long the token is valid (default "24h"; "0": never expires)
  --description text       a note shown by 'svcnet token list'
  --print-join-command     print the whole 'svcnet agent --server … --token … --ca-cert-hash …' line
                           (the server address and CA the cluster-info ConfigMap announces)`;

/** apimachinery's ShortHumanDuration, as kubeadm's TTL column uses it: "<invalid>" once past. */
export function shortHumanDuration(ms: number): string {
  const s = Math.trunc(ms / 1000);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.trunc(s / 60)}m`;
  if (s < 86_400) return `${Math.trunc(s / 3600)}h`;
  if (s < 365 * 86_400) return `${Math.trunc(s / 86_400)}d`;
  return `${Math.trunc(s / (365 * 86_400))}y`;
}

export const tokenListHeader = ["TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"] as const;

/** One `svcnet token list` row (kubeadm's columns) for a token and its Secret's fields. */
export function tokenListRow(token: string, info: BootstrapTokenInfo, now: Date): string[] {
  let ttl = "<forever>";
  let expires = "<never>";
  if (info.expiration !== undefined) {
    const at = parseRfc3339(info.expiration);
    ttl = at === undefined ? "<invalid>" : shortHumanDuration(at - now.getTime());
    expires = info.expiration;
  }
  return [token, ttl, expires, info.usages.join(",") || "<none>", info.description || "<none>", info.extraGroups.join(",") || "<none>"];
}

/** Columns padded to their widest cell plus three spaces (Go's tabwriter as kubeadm sets it up). */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join("").trimEnd()).join("\n");
}

export async function runToken(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: "string", default: "./.svcnet/kubeconfig" },
        ttl: { type: "string", default: "24h" },
        description: { type: "string" },
        "print-join-command": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet token --help' for usage.`);
    return 1;
  }
  const { values, positionals } = parsed;
  const [verb, ...args] = positionals;
  if (values.help || verb === undefined) {
    console.log(help);
    return values.help ? 0 : 1;
  }
  let transport: HttpsTransport;
  let server: { url: string; ca: string | undefined };
  try {
    const config = loadKubeconfig(values.kubeconfig);
    transport = new HttpsTransport(config, { userAgent: "svcnet-token" });
    server = { url: config.server, ca: config.ca };
  } catch (e) {
    console.error(`error: cannot read --kubeconfig ${values.kubeconfig}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const secrets = new KubeClient<BootstrapTokenSecret>(transport, requireResource("", "v1", "secrets"), { fieldManager: "svcnet-token" });
  try {
    switch (verb) {
      case "create":
        return await create(secrets, { ttl: values.ttl, description: values.description, joinCommand: values["print-join-command"], server, clusterInfo: () => readAnnounced(transport) });
      case "list":
        return await list(secrets);
      case "delete":
        return await remove(secrets, args);
      default:
        console.error(`error: unknown token command "${verb}" (create, list or delete)\nRun 'svcnet token --help' for usage.`);
        return 1;
    }
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)} (is the server at ${server.url} running, and is ${values.kubeconfig} its admin kubeconfig?)`);
    return 1;
  } finally {
    transport.close();
  }
}

async function create(
  secrets: KubeClient<BootstrapTokenSecret>,
  o: {
    ttl: string;
    description: string | undefined;
    joinCommand: boolean;
    server: { url: string; ca: string | undefined };
    clusterInfo: () => Promise<{ server: string; caCert: string } | undefined>;
  },
): Promise<number> {
  const ttl = parseJoinTokenTtl(o.ttl);
  if (!ttl.ok || ttl.ttlMs === null) {
    console.error(`error: --ttl must be a duration like "24h" or "30m", or "0" (never expires), got ${JSON.stringify(o.ttl)}`);
    return 1;
  }
  const token = generateBootstrapToken(randomBytes);
  const spec = { token, ttlMs: ttl.ttlMs, now: new Date(), description: o.description, extraGroups: [JOIN_TOKEN_GROUP] };
  const why = bootstrapTokenSpecError(spec);
  if (why) {
    console.error(`error: ${why}`);
    return 1;
  }
  await secrets.create(bootstrapTokenSecret(spec));
  const text = formatBootstrapToken(token);
  if (!o.joinCommand) {
    console.log(text);
    return 0;
  }
  // The address other machines use is the advertised one in cluster-info (the admin kubeconfig
  // often names 127.0.0.1); the CA too, so the pin is the one joining machines will check.
  const announced = await o.clusterInfo();
  const server = announced?.server ?? o.server.url;
  const ca = announced?.caCert ?? o.server.ca;
  console.log(`svcnet agent --server ${server} --token ${text} ${ca ? `--ca-cert-hash ${caCertHash(ca)}` : "--discovery-token-unsafe-skip-ca-verification"}`);
  return 0;
}

/** The server and CA the cluster-info ConfigMap announces; undefined when it is absent or unreadable. */
async function readAnnounced(transport: HttpsTransport): Promise<{ server: string; caCert: string } | undefined> {
  const configmaps = new KubeClient<ConfigMap>(transport, requireResource("", "v1", "configmaps"));
  try {
    const info = readClusterInfo(await configmaps.get(clusterInfoNamespace, clusterInfoName));
    return info.ok ? info : undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function list(secrets: KubeClient<BootstrapTokenSecret>): Promise<number> {
  // Every Secret of kube-system; bootstrapTokenInfo keeps those of the bootstrap token type.
  const all: KubeList<BootstrapTokenSecret> = await secrets.list(bootstrapTokenNamespace);
  const now = new Date();
  const rows: string[][] = [[...tokenListHeader]];
  for (const s of all.items) {
    const info = bootstrapTokenInfo(s);
    if (!info) continue;
    const secret = Buffer.from(s.data?.["token-secret"] ?? "", "base64").toString("utf8");
    rows.push(tokenListRow(formatBootstrapToken({ id: info.id, secret }), info, now));
  }
  console.log(formatColumns(rows));
  return 0;
}

async function remove(secrets: KubeClient<BootstrapTokenSecret>, args: readonly string[]): Promise<number> {
  if (args.length === 0) {
    console.error("error: name the token to delete: svcnet token delete <token-id>");
    return 1;
  }
  for (const arg of args) {
    const id = parseBootstrapToken(arg)?.id ?? (isBootstrapTokenId(arg) ? arg : undefined);
    if (!id) {
      console.error(`error: ${JSON.stringify(arg)} is neither a token id ([a-z0-9]{6}) nor a token`);
      return 1;
    }
    try {
      await secrets.delete(bootstrapTokenNamespace, bootstrapTokenSecretName(id));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      console.error(`error: there is no token ${id}`);
      return 1;
    }
    console.log(`bootstrap token "${id}" deleted`);
  }
  return 0;
}
