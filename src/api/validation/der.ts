// The little of DER that certificate requests and certificates need, on top of node-forge's
// ASN.1 reader and writer: nodes in and out of Buffers, their children, bytes and OIDs. BIT
// STRINGs are kept as the bytes they hold (first the count of unused bits), never guessed to be
// ASN.1, so that what was signed is re-encoded byte for byte.

import forge from "node-forge";

export type Asn1 = forge.asn1.Asn1;

/** The universal tag class (the standard types: INTEGER, SEQUENCE, the string types…). */
export const UNIVERSAL_CLASS: number = forge.asn1.Class.UNIVERSAL;

/** forge's DER reader with its options object (the typings know only the `strict` flag). */
const fromDer = forge.asn1.fromDer as unknown as (bytes: forge.util.ByteStringBuffer, options: { decodeBitStrings: boolean }) => Asn1;

/** The ASN.1 value in `der`; throws (forge's error) when it is not DER. */
export function readDer(der: Buffer): Asn1 {
  return fromDer(forge.util.createBuffer(der.toString("binary")), { decodeBitStrings: false });
}

/** The DER encoding of `node`: for a node read from DER, the bytes it was read from. */
export function writeDer(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), "binary");
}

/** The elements of a constructed value (none for a primitive or a missing one). */
export function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

/** The content bytes of a primitive value (empty for a constructed or a missing one). */
export function contentBytes(node: Asn1 | undefined): Buffer {
  return node && typeof node.value === "string" ? Buffer.from(node.value, "binary") : Buffer.alloc(0);
}

/** The dotted text of an OBJECT IDENTIFIER ("" when `node` is none). */
export function oidOf(node: Asn1 | undefined): string {
  if (!node || node.tagClass !== forge.asn1.Class.UNIVERSAL || node.type !== forge.asn1.Type.OID || typeof node.value !== "string") return "";
  return forge.asn1.derToOid(forge.util.createBuffer(node.value));
}

/** Whether `node` is the context-specific tag [n] (IMPLICIT or EXPLICIT). */
export function isContext(node: Asn1 | undefined, n: number): boolean {
  return node?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === n;
}

const a = forge.asn1;

/** A SEQUENCE of `elements`. */
export function sequence(...elements: Asn1[]): Asn1 {
  return a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, elements);
}

/** An OBJECT IDENTIFIER. */
export function oid(dotted: string): Asn1 {
  return a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer(dotted).getBytes());
}

/** A primitive value of universal `type` holding `bytes`. */
export function primitive(type: forge.asn1.Type, bytes: Buffer): Asn1 {
  return a.create(a.Class.UNIVERSAL, type, false, bytes.toString("binary"));
}

/** The context-specific tag [n]: EXPLICIT around one element, or IMPLICIT primitive bytes. */
export function context(n: number, content: Asn1 | Buffer): Asn1 {
  return Buffer.isBuffer(content) ? a.create(a.Class.CONTEXT_SPECIFIC, n, false, content.toString("binary")) : a.create(a.Class.CONTEXT_SPECIFIC, n, true, [content]);
}
