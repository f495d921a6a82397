import { test } from "node:test";
import assert from "node:assert/strict";
import { joinFlagsError } from "./agent-join.js";

test("joinFlagsError: one line with the fix for each mistake", async (t) => {
  const good = { server: "https://172.17.8.101:6443", token: "abcdef.0123456789abcdef", caCertHash: `sha256:${"0".repeat(64)}`, unsafeSkipCaVerification: false };
  const cases: { name: string; flags: Partial<typeof good> & { caCertHash?: string | undefined }; want: RegExp | undefined }[] = [
    { name: "all good", flags: {}, want: undefined },
    { name: "unverified, when asked for", flags: { caCertHash: undefined, unsafeSkipCaVerification: true }, want: undefined },
    { name: "http", flags: { server: "http://172.17.8.101:6443" }, want: /--server must be the API server's https:\/\/host:port/ },
    { name: "a path", flags: { server: "https://172.17.8.101:6443/api" }, want: /--server must be/ },
    { name: "not a URL", flags: { server: "172.17.8.101:6443" }, want: /--server must be/ },
    { name: "a malformed token", flags: { token: "abcdef:0123456789abcdef" }, want: /--token must look like abcdef\.0123456789abcdef/ },
    { name: "a malformed hash", flags: { caCertHash: "0".repeat(64) }, want: /--ca-cert-hash must be sha256:<64 hex digits>/ },
    { name: "neither hash nor skip", flags: { caCertHash: undefined }, want: /--ca-cert-hash sha256:… is needed .*--discovery-token-unsafe-skip-ca-verification/ },
    { name: "both hash and skip", flags: { unsafeSkipCaVerification: true }, want: /either --ca-cert-hash or --discovery-token-unsafe-skip-ca-verification/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const flags = { ...good, ...c.flags };
      if ("caCertHash" in c.flags && c.flags.caCertHash === undefined) delete (flags as { caCertHash?: string }).caCertHash;
      const got = joinFlagsError(flags);
      if (c.want) assert.match(got ?? "", c.want);
      else assert.equal(got, undefined);
    });
  }
});
