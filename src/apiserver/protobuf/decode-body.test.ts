import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ApiError } from "../../api/errors.js";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject, jsonEqual } from "../../api/json.js";
import { decodeProtobufBody } from "./decode-body.js";
import { encodeEnvelope } from "./encode-envelope.js";
import { kubectlCaptures, kubectlCertificateCaptures, kubectlReviewCaptures } from "./fixtures/kubectl-captures.js";
import { WireWriter } from "./wire-writer.js";

/**
 * The dry-run JSON without the nulls Go writes for a zero Time (`creationTimestamp: null`) and
 * for nil lists of fields without omitempty (`rules: null`): the JSON API reads both as absent.
 */
function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || x === null) continue;
    out[k] = withoutNulls(x);
  }
  return out;
}

function body(apiVersion: string, kind: string, build: (w: WireWriter) => void, opts?: { contentEncoding?: string }): Buffer {
  const w = new WireWriter();
  build(w);
  return Buffer.from(encodeEnvelope({ apiVersion, kind }, w.finish(), opts));
}

function apiError(code: number, reason: string, message: string | RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

describe("decodeProtobufBody: bodies captured from kubectl 1.32", () => {
  for (const c of kubectlCaptures) {
    it(`${c.name}: ${c.command} decodes to its --dry-run=client JSON`, () => {
      const got = decodeProtobufBody(Buffer.from(c.body, "base64"));
      const want = withoutNulls(c.dryRun);
      assert.ok(jsonEqual(got.object, want), `got ${JSON.stringify(got.object)}\nwant ${JSON.stringify(want)}`);
      assert.equal(got.apiVersion, c.dryRun.apiVersion);
      assert.equal(got.kind, c.dryRun.kind);
    });
  }
});

describe("decodeProtobufBody: kubectl 1.32 auth reviews", () => {
  for (const c of kubectlReviewCaptures) {
    it(`${c.name}: ${c.command}`, () => {
      const got = decodeProtobufBody(Buffer.from(c.body, "base64"));
      assert.deepEqual(got.object, c.want);
      assert.equal(got.kind, c.want.kind);
    });
  }
});

describe("decodeProtobufBody: kubectl 1.32 certificate approve and deny", () => {
  for (const c of kubectlCertificateCaptures) {
    it(`${c.name}: ${c.command}`, () => {
      const got = decodeProtobufBody(Buffer.from(c.body, "base64"));
      assert.deepEqual(got.object, c.want);
      assert.equal(got.kind, "CertificateSigningRequest");
    });
  }
});

describe("decodeProtobufBody: other bodies", () => {
  const cases: { name: string; body: Buffer; want: JsonObject }[] = [
    {
      name: "DeleteOptions as kubectl drain sends it",
      body: body("v1", "DeleteOptions", (w) => w.varint(1, 30)),
      want: { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 30 },
    },
    {
      name: "DeleteOptions labelled with another group version",
      body: body("meta.k8s.io/v1", "DeleteOptions", (w) => w.string(4, "Background").string(5, "All")),
      want: { kind: "DeleteOptions", apiVersion: "meta.k8s.io/v1", propagationPolicy: "Background", dryRun: ["All"] },
    },
    {
      // Captured from kubectl 1.32: `kubectl create token foo` (no flags); its status is empty
      // but present, and token is a field Go always writes.
      name: "a TokenRequest as kubectl create token sends it",
      body: Buffer.from("azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIaChAKABIAGgAiACoAMgA4AEIAEgAaBAoAEgAaACIA", "base64"),
      want: { kind: "TokenRequest", apiVersion: "authentication.k8s.io/v1", metadata: {}, spec: {}, status: { token: "" } },
    },
    {
      // Captured from kubectl 1.32: `kubectl create token foo --audience a1 --audience a2
      // --duration 2h --bound-object-kind Pod --bound-object-name p1 --bound-object-uid u-1`.
      name: "a TokenRequest with audiences, duration and a bound object",
      body: Buffer.from(
        "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBI5ChAKABIAGgAiACoAMgA4AEIAEh8KAmExCgJhMhoSCgNQb2QSAnYxGgJwMSIDdS0xIKA4GgQKABIAGgAiAA==",
        "base64",
      ),
      want: {
        kind: "TokenRequest",
        apiVersion: "authentication.k8s.io/v1",
        metadata: {},
        spec: { audiences: ["a1", "a2"], expirationSeconds: 7200, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p1", uid: "u-1" } },
        status: { token: "" },
      },
    },
    {
      name: "a Secret as kubectl create secret generic sends it (data is bytes, base64 in JSON)",
      body: body("v1", "Secret", (w) =>
        w
          .message(1, (m) => m.string(1, "s1"))
          .message(2, (e) => e.string(1, "a").bytes(2, Buffer.from("b")))
          .string(3, "Opaque")
          .message(4, (e) => e.string(1, "plain").string(2, "text")),
      ),
      want: { kind: "Secret", apiVersion: "v1", metadata: { name: "s1" }, data: { a: "Yg==" }, type: "Opaque", stringData: { plain: "text" } },
    },
    {
      name: "a SubjectAccessReview with groups, extra and a uid (ExtraValue is a list in JSON)",
      body: body("authorization.k8s.io/v1", "SubjectAccessReview", (w) =>
        w
          .message(1, () => undefined)
          .message(2, (s) =>
            s
              .message(2, (n) => n.string(1, "/metrics").string(2, "get"))
              .string(3, "jane")
              .string(4, "devs")
              .string(4, "ops")
              .message(5, (e) => e.string(1, "scopes").message(2, (v) => v.string(1, "a").string(1, "b")))
              .string(6, "u-1"),
          ),
      ),
      want: {
        kind: "SubjectAccessReview",
        apiVersion: "authorization.k8s.io/v1",
        metadata: {},
        spec: { nonResourceAttributes: { path: "/metrics", verb: "get" }, user: "jane", groups: ["devs", "ops"], extra: { scopes: ["a", "b"] }, uid: "u-1" },
      },
    },
    {
      name: "a SelfSubjectRulesReview's status with rules",
      body: body("authorization.k8s.io/v1", "SelfSubjectRulesReview", (w) =>
        w.message(3, (st) =>
          st
            .message(1, (r) => r.string(1, "get").string(2, "").string(3, "pods").string(4, "web"))
            .message(2, (r) => r.string(1, "get").string(2, "/healthz"))
            .varint(3, 1)
            .string(4, "partial"),
        ),
      ),
      want: {
        kind: "SelfSubjectRulesReview",
        apiVersion: "authorization.k8s.io/v1",
        status: {
          resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["web"] }],
          nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }],
          incomplete: true,
          evaluationError: "partial",
        },
      },
    },
    {
      name: "an Eviction carrying DeleteOptions",
      body: body("policy/v1", "Eviction", (w) =>
        w.message(1, (m) => m.string(1, "web-0").string(3, "default").message(8, () => undefined)).message(2, (d) => d.varint(1, 0)),
      ),
      want: { kind: "Eviction", apiVersion: "policy/v1", metadata: { name: "web-0", namespace: "default" }, deleteOptions: { gracePeriodSeconds: 0 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeProtobufBody(c.body).object, c.want);
    });
  }

  const failures: { name: string; body: Buffer; code: number; reason: string; message: string | RegExp }[] = [
    {
      name: "a PersistentVolumeClaim (kind without a table) is 415 and points to JSON",
      body: body("v1", "PersistentVolumeClaim", (w) => w.message(1, (m) => m.string(1, "s"))),
      code: 415,
      reason: "UnsupportedMediaType",
      message:
        'the body of the request was in an unknown format - kind "PersistentVolumeClaim" in version "v1" is not supported in application/vnd.kubernetes.protobuf by this server; send it as JSON instead (for example kubectl create -f with a YAML manifest)',
    },
    {
      name: "a TokenReview (not served) is 415",
      body: body("authentication.k8s.io/v1", "TokenReview", () => undefined),
      code: 415,
      reason: "UnsupportedMediaType",
      message: /kind "TokenReview" in version "authentication.k8s.io\/v1" is not supported/,
    },
    {
      name: "a known kind in an unknown version is 415",
      body: body("extensions/v1beta1", "Deployment", () => undefined),
      code: 415,
      reason: "UnsupportedMediaType",
      message: /kind "Deployment" in version "extensions\/v1beta1" is not supported/,
    },
    {
      name: "a pod spec field the tables lack is 400 naming message and field",
      body: body("apps/v1", "Deployment", (w) => w.message(2, (s) => s.message(3, (t) => t.message(2, (p) => p.string(57, "x"))))),
      code: 400,
      reason: "BadRequest",
      message: "protobuf: unsupported field 57 in k8s.io.api.core.v1.PodSpec",
    },
    {
      name: "a body without the magic is 400",
      body: Buffer.from('{"kind":"Namespace"}'),
      code: 400,
      reason: "BadRequest",
      message: 'protobuf: body does not start with the "k8s\\0" magic',
    },
    {
      name: "an envelope without kind is 400",
      body: body("v1", "", () => undefined),
      code: 400,
      reason: "BadRequest",
      message: "protobuf: the envelope names no kind",
    },
    {
      name: "a compressed envelope is 400",
      body: body("v1", "Namespace", () => undefined, { contentEncoding: "gzip" }),
      code: 400,
      reason: "BadRequest",
      message: 'protobuf: unsupported content encoding "gzip"',
    },
    {
      name: "a truncated object is 400",
      body: Buffer.concat([Buffer.from(kubectlCaptures[0].body, "base64").subarray(0, 30)]),
      code: 400,
      reason: "BadRequest",
      message: /^protobuf: length \d+ exceeds the \d+ bytes left$/,
    },
  ];
  for (const c of failures) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => decodeProtobufBody(c.body), apiError(c.code, c.reason, c.message));
    });
  }
});
