import assert from "node:assert/strict";
import { test } from "node:test";
import forge from "node-forge";
import { children, context, contentBytes, isContext, oid, oidOf, primitive, readDer, sequence, writeDer } from "./der.js";

test("readDer and writeDer: what was read is written back byte for byte, BIT STRINGs included", () => {
  // SEQUENCE { OID 2.5.4.3, BIT STRING holding what looks like ASN.1 (a NULL), [0] { INTEGER 5 } }
  const der = Buffer.from("300f" + "0603550403" + "0303000500" + "a003020105", "hex");
  const node = readDer(der);
  assert.deepEqual(writeDer(node), der);
  const [id, bits, ctx] = children(node);
  assert.equal(oidOf(id), "2.5.4.3");
  assert.deepEqual(contentBytes(bits), Buffer.from("000500", "hex"), "the unused-bits count, then the bits");
  assert.ok(isContext(ctx, 0) && !isContext(ctx, 1));
  assert.equal(oidOf(bits), "", "not an OID");
});

test("the writers make the DER they say", () => {
  const der = writeDer(sequence(oid("1.2.840.113549.1.1.11"), primitive(forge.asn1.Type.NULL, Buffer.alloc(0)), context(0, Buffer.from([1])), context(3, sequence())));
  assert.equal(der.toString("hex"), "3014" + "06092a864886f70d01010b" + "0500" + "800101" + "a3023000");
});

test("readDer refuses what is not DER", () => assert.throws(() => readDer(Buffer.from("30ff00", "hex"))));
