import { test } from "node:test";
import assert from "node:assert/strict";
import { renderKubeconfig } from "../server/kubeconfig.js";
import type { ConnectionConfig } from "./kubeconfig.js";
import { KubeconfigError, parseKubeconfig } from "./kubeconfig.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

const multi = `
apiVersion: v1
kind: Config
current-context: a
clusters:
  - name: ca
    cluster: { server: "https://10.0.0.1:6443/", certificate-authority: ca.pem }
  - name: cb
    cluster: { server: "https://10.0.0.2:6443", insecure-skip-tls-verify: true }
  - name: plain
    cluster: { server: "http://10.0.0.3:8080" }
users:
  - name: ua
    user: { client-certificate-data: ${b64("CERT")}, client-key-data: ${b64("KEY")} }
  - name: ub
    user: { tokenFile: tok }
  - name: ux
    user: { exec: { command: aws } }
contexts:
  - name: a
    context: { cluster: ca, user: ua, namespace: team }
  - name: b
    context: { cluster: cb, user: ub }
  - name: x
    context: { cluster: cb, user: ux }
  - name: h
    context: { cluster: plain, user: ub }
  - name: missing
    context: { cluster: nope, user: ub }
`;

const files: Record<string, string> = { "/cfg/ca.pem": "CA-FROM-FILE", "/cfg/tok": "file-token\n" };
const readFile = (p: string): string => {
  const v = files[p];
  if (v === undefined) throw new Error(`no file ${p}`);
  return v;
};

const cases: { name: string; text: string; context?: string; want?: ConnectionConfig; error?: RegExp }[] = [
  {
    name: "what svcnet server writes: inline CA and a token, namespace default",
    text: renderKubeconfig({ server: "https://127.0.0.1:6443", caCert: "PEM", token: "abc" }),
    want: { server: "https://127.0.0.1:6443", ca: "PEM", token: "abc", namespace: "default" },
  },
  {
    name: "current context with a CA file (relative to the kubeconfig) and an inline client certificate",
    text: multi,
    want: { server: "https://10.0.0.1:6443", ca: "CA-FROM-FILE", cert: "CERT", key: "KEY", namespace: "team" },
  },
  { name: "a chosen context with insecure-skip-tls-verify and a token file", text: multi, context: "b", want: { server: "https://10.0.0.2:6443", insecureSkipTlsVerify: true, token: "file-token" } },
  { name: "exec plugins are refused, not ignored", text: multi, context: "x", error: /exec plugins/ },
  { name: "plain http is refused", text: multi, context: "h", error: /not https/ },
  { name: "a context naming a missing cluster", text: multi, context: "missing", error: /cluster "nope" not found/ },
  { name: "no current context", text: "apiVersion: v1\nkind: Config\n", error: /no current-context/ },
];

for (const c of cases) {
  test(c.name, () => {
    if (c.error) {
      assert.throws(() => parseKubeconfig(c.text, { context: c.context, baseDir: "/cfg", readFile }), (e: unknown) => e instanceof KubeconfigError && c.error?.test(e.message) === true);
      return;
    }
    assert.deepEqual(parseKubeconfig(c.text, { context: c.context, baseDir: "/cfg", readFile }), c.want);
  });
}
