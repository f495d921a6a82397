import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesOfPem } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { inMemoryCa } from "../../server/pki.js";
import { readCertificateAuthority } from "./certificate-builder.js";
import { parseCsr } from "./csr-request.js";
import { cleanupDue } from "./csr-cleaning.js";
import { signCertificate } from "./csr-signing.js";
import { makeCsr, makeCsrPem } from "./test-fixtures.js";

const hour = 3600_000;
const t0 = Date.parse("2026-06-01T12:00:00Z");
const iso = (ms: number): string => new Date(ms).toISOString();

/** A certificate (the []byte field) valid until `notAfter`. */
function issued(notAfter: number): string {
  const p = parseCsr(bytesOfPem(makeCsrPem()));
  assert.ok(p.ok);
  const ttlMs = 2 * hour;
  const r = signCertificate({ ca: readCertificateAuthority(inMemoryCa({ modulusLength: 1024 })), csr: p.csr, usages: ["client auth"], ttlMs, nowMs: notAfter - ttlMs });
  assert.ok(r.ok);
  return bytesOfPem(r.cert);
}

test("cleanupDue: Kubernetes' retention of requests", async (t) => {
  const cert = issued(t0 + 3 * hour);
  const cases: { name: string; edit: (c: CertificateSigningRequest) => void; want: { atMs: number; why: string } | undefined }[] = [
    { name: "pending: a day after creation", edit: () => {}, want: { atMs: t0 + 24 * hour, why: "more than 24h0m0s old and unhandled" } },
    { name: "approved, not issued: kept", edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True", lastUpdateTime: iso(t0) }] }), want: undefined },
    {
      name: "issued: an hour after approval",
      edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True", lastUpdateTime: iso(t0) }], certificate: cert }),
      want: { atMs: t0 + hour, why: "more than 1h0m0s old and approved" },
    },
    {
      name: "issued with a certificate ending sooner",
      edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True", lastUpdateTime: iso(t0 + 2.5 * hour) }], certificate: cert }),
      want: { atMs: t0 + 3 * hour, why: "the associated certificate is expired" },
    },
    { name: "denied: an hour after", edit: (c) => (c.status = { conditions: [{ type: "Denied", status: "True", lastUpdateTime: iso(t0) }] }), want: { atMs: t0 + hour, why: "more than 1h0m0s old and denied" } },
    {
      name: "failed: an hour after",
      edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True", lastUpdateTime: iso(t0) }, { type: "Failed", status: "True", lastUpdateTime: iso(t0 + 1000) }] }),
      want: { atMs: t0 + hour + 1000, why: "more than 1h0m0s old and failed" },
    },
    {
      name: "a decision dated in the future: an hour after that date, not an hour from now",
      edit: (c) => (c.status = { conditions: [{ type: "Denied", status: "True", lastUpdateTime: iso(t0 + 40 * 24 * hour) }] }),
      want: { atMs: t0 + 40 * 24 * hour + hour, why: "more than 1h0m0s old and denied" },
    },
    { name: "no times at all: kept", edit: (c) => (c.metadata.creationTimestamp = undefined), want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const csr = makeCsr("x", (o) => {
        o.metadata.creationTimestamp = iso(t0);
        c.edit(o);
      });
      assert.deepEqual(cleanupDue(Object.freeze(csr)), c.want);
    });
  }
});
