// How a service port is named in rules, comments and hashes.
// Modern kube-proxy writes "ns/name" for an unnamed port and "ns/name:port" for a named one;
// kube-proxy 1.2 (the seed's layout) always wrote the colon: "default/nginx-service:".

import type { Protocol, ServicePortName } from "./types.js";

export type RulesProfile = "modern" | "seed";

export function servicePortNameString(name: ServicePortName, profile: RulesProfile = "modern"): string {
  const base = `${name.namespace}/${name.name}`;
  if (profile === "seed") return `${base}:${name.port}`;
  return name.port === "" ? base : `${base}:${name.port}`;
}

/** The key of a service port in the proxy's maps: "ns/name:port/PROTO" (unique across protocols). */
export function servicePortKey(name: ServicePortName): string {
  return `${name.namespace}/${name.name}:${name.port}/${name.protocol}`;
}

export function protocolLower(protocol: Protocol): "tcp" | "udp" | "sctp" {
  return protocol.toLowerCase() as "tcp" | "udp" | "sctp";
}

/** "ip:port", bracketing IPv6 addresses as Go's net.JoinHostPort does. */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}
