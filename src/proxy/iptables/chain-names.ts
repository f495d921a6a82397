// Chain names from kube-proxy's recipe: the first 16 characters of the RFC 4648 base32
// encoding of sha256(servicePortName + lower-case protocol [+ endpoint]). The prefix keeps
// every name within iptables' 28-character limit.

import { createHash } from "node:crypto";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding. */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The 16-character hash kube-proxy puts after KUBE-SVC-, KUBE-SEP- and friends. */
export function chainHash(input: string): string {
  return base32(createHash("sha256").update(input).digest()).slice(0, 16);
}

export type ServiceChainPrefix = "KUBE-SVC-" | "KUBE-SVL-" | "KUBE-EXT-" | "KUBE-FW-";

/** KUBE-SVC-/SVL-/EXT-/FW- chain of a service port (the same hash for all four). */
export function serviceChainName(prefix: ServiceChainPrefix, svcPortName: string, protocolLower: string): string {
  return prefix + chainHash(svcPortName + protocolLower);
}

/** KUBE-SEP- chain of one endpoint ("ip:port") of a service port. */
export function endpointChainName(svcPortName: string, protocolLower: string, endpoint: string): string {
  return "KUBE-SEP-" + chainHash(svcPortName + protocolLower + endpoint);
}
