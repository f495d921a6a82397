// The numbers of the DNS wire format this server uses (RFC 1035, 2782, 3596, 6891).

/** Resource record types by name. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

/** The class of every record served here. */
export const CLASS_IN = 1;

/** Response codes. */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

export type RcodeName = keyof typeof Rcode;

/** The opcode of a standard query (the only one answered). */
export const OPCODE_QUERY = 0;

/** Header flag bits in the second 16-bit word. */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
} as const;

/** The size every UDP client accepts without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_SIZE = 512;

/** The largest EDNS payload this server answers with over UDP (the DNS flag day 2020 value). */
export const MAX_EDNS_UDP_SIZE = 1232;

/** The longest name on the wire, in bytes, and the longest label (RFC 1035 §2.3.4). */
export const MAX_NAME_LENGTH = 255;
export const MAX_LABEL_LENGTH = 63;

/** A type's mnemonic for metrics and logs ("TYPE65" for the rest, as RFC 3597 writes it). */
export function typeName(type: number): string {
  for (const [name, value] of Object.entries(RRType)) if (value === type) return name;
  return `TYPE${type}`;
}

/** An rcode's mnemonic. */
export function rcodeName(rcode: number): string {
  for (const [name, value] of Object.entries(Rcode)) if (value === rcode) return name;
  return `RCODE${rcode}`;
}
