import assert from "node:assert/strict";
import { test } from "node:test";
import { clientCertificateOf, userFromClientCertificate } from "./x509-authenticator.js";

const cases: { name: string; subject: { CN?: string | string[]; O?: string | string[] } | undefined; want: { name: string; groups: string[] } | undefined }[] = [
  { name: "a node: its name and group", subject: { CN: "system:node:core-v2-01", O: "system:nodes" }, want: { name: "system:node:core-v2-01", groups: ["system:nodes", "system:authenticated"] } },
  { name: "several organizations are several groups", subject: { CN: "jane", O: ["dev", "ops"] }, want: { name: "jane", groups: ["dev", "ops", "system:authenticated"] } },
  { name: "no organization: only system:authenticated", subject: { CN: "system:kube-proxy" }, want: { name: "system:kube-proxy", groups: ["system:authenticated"] } },
  { name: "system:authenticated is not doubled", subject: { CN: "x", O: "system:authenticated" }, want: { name: "x", groups: ["system:authenticated"] } },
  { name: "no common name: no user", subject: { O: "system:masters" }, want: undefined },
  { name: "no certificate: no user", subject: undefined, want: undefined },
];

for (const c of cases) {
  test(`x509: ${c.name}`, () => {
    const cert = clientCertificateOf(c.subject && { subject: c.subject });
    assert.deepEqual(cert && userFromClientCertificate(cert), c.want);
  });
}
