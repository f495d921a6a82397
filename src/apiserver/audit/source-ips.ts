// The source IPs of a request as kube-apiserver's audit records them: the X-Forwarded-For chain,
// then X-Real-Ip unless the chain already holds it, then the connection's own address unless it
// is the last one listed. Only the last entry is the server's own observation; the others are
// whatever the client (or its proxies) claim. Entries that are not IPs are skipped; IPv4
// addresses mapped into IPv6 (how a dual-stack socket reports an IPv4 peer) are written as IPv4,
// as Go prints them.

import { isIP } from "node:net";

function normalizeIP(text: string): string | undefined {
  const s = text.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  return isIP(s) !== 0 ? s : undefined;
}

/** The request's source IPs, claimed ones first and the connection's address last. */
export function sourceIPs(headers: Record<string, string | undefined>, remoteAddress: string | undefined): string[] {
  const out: string[] = [];
  for (const part of (headers["x-forwarded-for"] ?? "").split(",")) {
    const ip = normalizeIP(part);
    if (ip !== undefined) out.push(ip);
  }
  const realIP = normalizeIP(headers["x-real-ip"] ?? "");
  if (realIP !== undefined && !out.includes(realIP)) out.push(realIP);
  const remote = normalizeIP(remoteAddress ?? "");
  if (remote !== undefined && out[out.length - 1] !== remote) out.push(remote);
  return out;
}
