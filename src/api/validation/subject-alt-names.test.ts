import assert from "node:assert/strict";
import { test } from "node:test";
import type { Asn1 } from "./der.js";
import { context, sequence, writeDer } from "./der.js";
import type { SubjectAltNames } from "./subject-alt-names.js";
import { hasSubjectAltNames, parseSubjectAltNames, subjectAltNamesDer } from "./subject-alt-names.js";

const none: SubjectAltNames = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] };

test("subjectAltNamesDer and parseSubjectAltNames: each kind round-trips, as Go prints it", async (t) => {
  const cases: { name: string; names: Partial<SubjectAltNames>; want?: Partial<SubjectAltNames> }[] = [
    { name: "DNS names", names: { dnsNames: ["a.example", "*.b.example"] } },
    { name: "emails", names: { emailAddresses: ["jane@example.com"] } },
    { name: "URIs", names: { uris: ["spiffe://cluster.local/ns/a/sa/b"] } },
    { name: "IPv4", names: { ipAddresses: ["10.1.2.3"] } },
    { name: "IPv6, shortened", names: { ipAddresses: ["fd00:0:0:0:0:0:0:1", "2001:db8:0:1:0:0:0:1", "::"] }, want: { ipAddresses: ["fd00::1", "2001:db8:0:1::1", "::"] } },
    { name: "IPv4-mapped IPv6, as IPv4", names: { ipAddresses: ["::ffff:10.0.0.1"] }, want: { ipAddresses: ["10.0.0.1"] } },
    { name: "all kinds", names: { dnsNames: ["d"], emailAddresses: ["e@f"], ipAddresses: ["1.2.3.4"], uris: ["u:x"] } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(parseSubjectAltNames(subjectAltNamesDer({ ...none, ...c.names })), { ...none, ...c.names, ...c.want }));
  }
});

test("subjectAltNamesDer: Go's order, DNS, email, IP (four bytes for IPv4), URI", () => {
  const der = subjectAltNamesDer({ uris: ["u:x"], ipAddresses: ["1.2.3.4"], emailAddresses: ["e@f"], dnsNames: ["d"] });
  assert.equal(der.toString("hex"), "3013" + "820164" + "8103" + Buffer.from("e@f").toString("hex") + "870401020304" + "8603" + Buffer.from("u:x").toString("hex"));
});

test("parseSubjectAltNames: skips other kinds, refuses what Go refuses", async (t) => {
  const names = (...n: Asn1[]) => writeDer(sequence(...n));
  const cases: { name: string; der: Buffer; want: SubjectAltNames | { error: string } }[] = [
    { name: "a registeredID is skipped", der: names(context(8, Buffer.from([0x2a])), context(2, Buffer.from("d"))), want: { ...none, dnsNames: ["d"] } },
    { name: "not a sequence", der: Buffer.from("0400", "hex"), want: { error: "x509: invalid subject alternative names" } },
    { name: "not DER", der: Buffer.from("30ff", "hex"), want: { error: "x509: invalid subject alternative names" } },
    { name: "an IP of five bytes", der: names(context(7, Buffer.alloc(5))), want: { error: "x509: cannot parse IP address of length 5" } },
    { name: "a non-ASCII email", der: names(context(1, Buffer.from("jäne@b"))), want: { error: "x509: SAN rfc822Name is malformed" } },
    { name: "a non-ASCII URI", der: names(context(6, Buffer.from("u:ä"))), want: { error: "x509: SAN uniformResourceIdentifier is malformed" } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(parseSubjectAltNames(c.der), c.want));
});

test("hasSubjectAltNames", () => {
  assert.equal(hasSubjectAltNames(none), false);
  assert.equal(hasSubjectAltNames({ ...none, uris: ["u:x"] }), true);
});
