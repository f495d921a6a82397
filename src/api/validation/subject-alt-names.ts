// The subjectAltName extension (RFC 5280 4.2.1.6) as Go's crypto/x509 reads and writes it: only
// DNS names, email addresses, IP addresses and URIs are kept, other kinds are skipped when read;
// written back in that order. The read errors are Go's texts, which Kubernetes shows for a
// request whose SANs do not parse.

import forge from "node-forge";
import type { Asn1 } from "./der.js";
import { children, contentBytes, context, readDer, sequence, writeDer } from "./der.js";
import { parseIP } from "./ip.js";

export interface SubjectAltNames {
  dnsNames: string[];
  emailAddresses: string[];
  /** Dotted quads or IPv6 text, as Go's net.IP prints them (IPv4-mapped addresses as IPv4). */
  ipAddresses: string[];
  uris: string[];
}

/** The GeneralName tags Go keeps. */
const tag = { email: 1, dns: 2, uri: 6, ip: 7 } as const;

/** Go's isIA5String: ASCII only. */
function isIA5(b: Buffer): boolean {
  return b.every((c) => c < 0x80);
}

function ipText(b: Buffer): string {
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (b.length === 4 || mapped) return [...b.subarray(b.length - 4)].join(".");
  const words = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(2 * i));
  // The longest run of at least two zero words is written "::" (the first of equal runs).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(":");
  return best.at < 0 ? hex(words) : `${hex(words.slice(0, best.at))}::${hex(words.slice(best.at + best.len))}`;
}

/** The names in a subjectAltName extension's value (a DER GeneralNames), or Go's error text. */
export function parseSubjectAltNames(der: Buffer): SubjectAltNames | { error: string } {
  let names: Asn1;
  try {
    names = readDer(der);
  } catch {
    return { error: "x509: invalid subject alternative names" };
  }
  if (names.tagClass !== forge.asn1.Class.UNIVERSAL || names.type !== forge.asn1.Type.SEQUENCE) return { error: "x509: invalid subject alternative names" };
  const out: SubjectAltNames = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] };
  for (const name of children(names)) {
    if (name.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC) continue;
    const data = contentBytes(name);
    switch (name.type as number) {
      case tag.email:
        if (!isIA5(data)) return { error: "x509: SAN rfc822Name is malformed" };
        out.emailAddresses.push(data.toString("latin1"));
        break;
      case tag.dns:
        if (!isIA5(data)) return { error: "x509: SAN dNSName is malformed" };
        out.dnsNames.push(data.toString("latin1"));
        break;
      case tag.uri:
        if (!isIA5(data)) return { error: "x509: SAN uniformResourceIdentifier is malformed" };
        out.uris.push(data.toString("latin1"));
        break;
      case tag.ip:
        if (data.length !== 4 && data.length !== 16) return { error: `x509: cannot parse IP address of length ${data.length}` };
        out.ipAddresses.push(ipText(data));
        break;
    }
  }
  return out;
}

/** Whether there is any name to write. */
export function hasSubjectAltNames(n: SubjectAltNames): boolean {
  return n.dnsNames.length + n.emailAddresses.length + n.ipAddresses.length + n.uris.length > 0;
}

/** The DER GeneralNames for `n`: DNS names, emails, IPs (IPv4 in four bytes), URIs, as Go writes them. */
export function subjectAltNamesDer(n: SubjectAltNames): Buffer {
  const ia5 = (t: number) => (s: string) => context(t, Buffer.from(s, "latin1"));
  const ips = n.ipAddresses.map((text) => {
    const ip = parseIP(text);
    if (!ip) throw new Error(`not an IP address: ${JSON.stringify(text)}`);
    return context(tag.ip, Buffer.from(ip.family === "IPv4" ? ip.bytes.subarray(12) : ip.bytes));
  });
  return writeDer(sequence(...n.dnsNames.map(ia5(tag.dns)), ...n.emailAddresses.map(ia5(tag.email)), ...ips, ...n.uris.map(ia5(tag.uri))));
}
