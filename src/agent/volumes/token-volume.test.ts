import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tokenVolumeSource } from "../../api/service-account-volume.js";
import type { ConfigMap, Pod } from "../../api/types.js";
import { projectedFiles, tokenRefreshAt, tokenRequestFor, tokenVolumeOf } from "./token-volume.js";

const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

function admittedPod(edit: (p: Pod) => void = () => {}): Pod {
  const pod: Pod = {
    metadata: { name: "web-0", namespace: "team-a", uid: "pod-1" },
    spec: {
      serviceAccountName: "default",
      containers: [{ name: "c", image: "curl", volumeMounts: [{ name: "kube-api-access-abcde", readOnly: true, mountPath }] }],
      volumes: [{ name: "kube-api-access-abcde", projected: tokenVolumeSource() }],
    },
  };
  edit(pod);
  return pod;
}

const rootCA: ConfigMap = { metadata: { name: "kube-root-ca.crt", namespace: "team-a" }, data: { "ca.crt": "PEM" } };

describe("tokenVolumeOf", () => {
  it("reads the volume admission adds", () => {
    assert.deepEqual(tokenVolumeOf(admittedPod()), {
      name: "kube-api-access-abcde",
      token: { path: "token", audience: "", expirationSeconds: 3607 },
      configMaps: [{ name: "kube-root-ca.crt", optional: false, items: [{ key: "ca.crt", path: "ca.crt" }] }],
      downwardAPI: [{ path: "namespace", fieldPath: "metadata.namespace" }],
    });
  });
  const none: { name: string; pod: Pod }[] = [
    { name: "no mount at the token path (automount off)", pod: admittedPod((p) => (p.spec.containers[0].volumeMounts = [])) },
    { name: "a mount of a volume that is not there", pod: admittedPod((p) => (p.spec.volumes = [])) },
    { name: "a mount of a volume that is not projected", pod: admittedPod((p) => (p.spec.volumes = [{ name: "kube-api-access-abcde", emptyDir: {} }])) },
  ];
  for (const c of none) it(`none for ${c.name}`, () => assert.equal(tokenVolumeOf(c.pod), undefined));
});

describe("tokenRequestFor", () => {
  it("binds to the pod, for the API server's audience unless the volume names one", () => {
    const pod = admittedPod();
    assert.deepEqual(tokenRequestFor(pod, { path: "token", audience: "", expirationSeconds: 3607 }), {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      metadata: {},
      spec: { audiences: null, expirationSeconds: 3607, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web-0", uid: "pod-1" } },
    });
    assert.deepEqual((tokenRequestFor(pod, { path: "t", audience: "vault", expirationSeconds: 600 }).spec as { audiences: string[] }).audiences, ["vault"]);
  });
});

describe("projectedFiles", () => {
  const vol = tokenVolumeOf(admittedPod());
  assert.ok(vol);
  const cases: { name: string; token?: string; configMaps: [string, ConfigMap | undefined][]; want: ReturnType<typeof projectedFiles> }[] = [
    {
      name: "token, ca.crt and namespace",
      token: "tok",
      configMaps: [["kube-root-ca.crt", rootCA]],
      want: { ok: true, files: { token: "tok", "ca.crt": "PEM", namespace: "team-a" } },
    },
    { name: "a missing ConfigMap", token: "tok", configMaps: [["kube-root-ca.crt", undefined]], want: { ok: false, error: 'configmap "kube-root-ca.crt" not found' } },
    {
      name: "a missing key",
      token: "tok",
      configMaps: [["kube-root-ca.crt", { ...rootCA, data: {} }]],
      want: { ok: false, error: "configmap references non-existent config key: ca.crt" },
    },
    { name: "no token yet", configMaps: [["kube-root-ca.crt", rootCA]], want: { ok: false, error: "no token" } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(projectedFiles(admittedPod(), vol, { token: c.token, configMaps: new Map(c.configMaps) }), c.want));

  it("every key of an optional ConfigMap without items; nothing when it is missing", () => {
    const optional = { ...vol, token: undefined, downwardAPI: [], configMaps: [{ name: "extra", optional: true, items: [] }] };
    const cm: ConfigMap = { metadata: { name: "extra" }, data: { b: "2", a: "1" } };
    assert.deepEqual(projectedFiles(admittedPod(), optional, { configMaps: new Map([["extra", cm]]) }), { ok: true, files: { a: "1", b: "2" } });
    assert.deepEqual(projectedFiles(admittedPod(), optional, { configMaps: new Map() }), { ok: true, files: {} });
  });
});

describe("tokenRefreshAt", () => {
  const cases: { name: string; exp: string; seconds: number; want: string }[] = [
    { name: "80 % into an hour and seven seconds", exp: "2026-01-01T01:00:07Z", seconds: 3607, want: "2026-01-01T00:48:05.600Z" },
    { name: "80 % into ten minutes", exp: "2026-01-01T00:10:00Z", seconds: 600, want: "2026-01-01T00:08:00.000Z" },
    { name: "after a day at the latest", exp: "2026-01-11T00:00:00Z", seconds: 10 * 86400, want: "2026-01-02T00:00:00.000Z" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(new Date(tokenRefreshAt({ expirationTimestamp: c.exp, expirationSeconds: c.seconds })).toISOString(), c.want));
});
