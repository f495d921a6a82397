import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../api/errors.js";
import { startTestApi } from "../apiserver/test-api.js";
import { tokenVolumeSource } from "../api/service-account-volume.js";
import type { Pod, ServiceAccount } from "../api/types.js";
import { admitPodServiceAccount, requireServiceAccount } from "./service-account-admission.js";

const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
const tokenMount = { name: "kube-api-access-abcde", readOnly: true, mountPath };
const tokenVolume = { name: "kube-api-access-abcde", projected: tokenVolumeSource() };

function makePod(name: string, edit: (p: Pod) => void = () => {}): Pod {
  const pod: Pod = { metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx" }] } };
  edit(pod);
  return pod;
}

describe("admitPodServiceAccount", () => {
  const sa: ServiceAccount = { metadata: { name: "default", namespace: "default" } };
  const cases: { name: string; pod: Pod; sa?: ServiceAccount; want: Pod }[] = [
    {
      name: "defaults the account and mounts the token in every container",
      pod: makePod("p", (p) => p.spec.containers.push({ name: "d", image: "busybox", volumeMounts: [{ name: "data", mountPath: "/data" }] })),
      want: makePod("p", (p) => {
        p.spec.containers = [
          { name: "c", image: "nginx", volumeMounts: [tokenMount] },
          { name: "d", image: "busybox", volumeMounts: [{ name: "data", mountPath: "/data" }, tokenMount] },
        ];
        p.spec.serviceAccountName = "default";
        p.spec.serviceAccount = "default";
        p.spec.volumes = [tokenVolume];
      }),
    },
    {
      name: "init containers too, first",
      pod: makePod("p", (p) => (p.spec.initContainers = [{ name: "i", image: "busybox" }])),
      want: makePod("p", (p) => {
        p.spec.initContainers = [{ name: "i", image: "busybox", volumeMounts: [tokenMount] }];
        p.spec.containers[0].volumeMounts = [tokenMount];
        p.spec.serviceAccountName = "default";
        p.spec.serviceAccount = "default";
        p.spec.volumes = [tokenVolume];
      }),
    },
    {
      name: "nothing mounted when the pod turns it off",
      pod: makePod("p", (p) => (p.spec.automountServiceAccountToken = false)),
      want: makePod("p", (p) => Object.assign(p.spec, { automountServiceAccountToken: false, serviceAccountName: "default", serviceAccount: "default" })),
    },
    {
      name: "nothing mounted when the account turns it off",
      pod: makePod("p"),
      sa: { ...sa, automountServiceAccountToken: false },
      want: makePod("p", (p) => Object.assign(p.spec, { serviceAccountName: "default", serviceAccount: "default" })),
    },
    {
      name: "the pod's yes beats the account's no",
      pod: makePod("p", (p) => (p.spec.automountServiceAccountToken = true)),
      sa: { ...sa, automountServiceAccountToken: false },
      want: makePod("p", (p) => {
        Object.assign(p.spec, { automountServiceAccountToken: true, serviceAccountName: "default", serviceAccount: "default", volumes: [tokenVolume] });
        p.spec.containers[0].volumeMounts = [tokenMount];
      }),
    },
    {
      name: "a container mounting something at the path is left alone; no volume when none needs it",
      pod: makePod("p", (p) => (p.spec.containers[0].volumeMounts = [{ name: "mine", mountPath }])),
      want: makePod("p", (p) => {
        p.spec.containers[0].volumeMounts = [{ name: "mine", mountPath }];
        Object.assign(p.spec, { serviceAccountName: "default", serviceAccount: "default" });
      }),
    },
    {
      name: "an existing kube-api-access volume is reused",
      pod: makePod("p", (p) => (p.spec.volumes = [{ name: "kube-api-access-zzzzz", emptyDir: {} }])),
      want: makePod("p", (p) => {
        p.spec.volumes = [{ name: "kube-api-access-zzzzz", emptyDir: {} }];
        p.spec.containers[0].volumeMounts = [{ ...tokenMount, name: "kube-api-access-zzzzz" }];
        Object.assign(p.spec, { serviceAccountName: "default", serviceAccount: "default" });
      }),
    },
    {
      name: "a named account, and its image pull secrets for a pod without any",
      pod: makePod("p", (p) => (p.spec.serviceAccountName = "builder")),
      sa: { metadata: { name: "builder" }, imagePullSecrets: [{ name: "registry" }], automountServiceAccountToken: false },
      want: makePod("p", (p) => Object.assign(p.spec, { serviceAccountName: "builder", serviceAccount: "builder", imagePullSecrets: [{ name: "registry" }] })),
    },
    {
      name: "a pod's own pull secrets stay",
      pod: makePod("p", (p) => (p.spec.imagePullSecrets = [{ name: "mine" }])),
      sa: { metadata: { name: "default" }, imagePullSecrets: [{ name: "registry" }], automountServiceAccountToken: false },
      want: makePod("p", (p) => Object.assign(p.spec, { imagePullSecrets: [{ name: "mine" }], serviceAccountName: "default", serviceAccount: "default" })),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      admitPodServiceAccount(c.pod, c.sa ?? sa, (prefix) => `${prefix}abcde`);
      assert.deepEqual(c.pod, c.want);
    });
  }
});

describe("requireServiceAccount", () => {
  const found: ServiceAccount = { metadata: { name: "default" } };
  const cases: { name: string; pod: Pod; appearsAfter: number; wantTries: number; wantError?: string }[] = [
    { name: "found at once", pod: makePod("p"), appearsAfter: 0, wantTries: 1 },
    { name: "default appears while it is retried", pod: makePod("p"), appearsAfter: 3, wantTries: 4 },
    {
      name: "default never appears: ten tries, then 403",
      pod: makePod("p"),
      appearsAfter: 99,
      wantTries: 10,
      wantError: 'pods "p" is forbidden: error looking up service account default/default: serviceaccount "default" not found',
    },
    {
      name: "another account is looked up once",
      pod: makePod("p", (p) => (p.spec.serviceAccountName = "missing")),
      appearsAfter: 99,
      wantTries: 1,
      wantError: 'pods "p" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found',
    },
    {
      name: "a pod with only generateName",
      pod: { metadata: { generateName: "p-", namespace: "default" }, spec: { containers: [], serviceAccountName: "missing" } },
      appearsAfter: 99,
      wantTries: 1,
      wantError: "pods is forbidden: error looking up service account default/missing: serviceaccount \"missing\" not found",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      let tries = 0;
      const waits: number[] = [];
      const find = async (): Promise<ServiceAccount | undefined> => (++tries > c.appearsAfter ? found : undefined);
      const r = requireServiceAccount(find, c.pod, { retryMs: () => 150, wait: async (ms) => void waits.push(ms) });
      if (c.wantError) {
        await assert.rejects(r, (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === c.wantError);
      } else {
        assert.equal(await r, found);
      }
      assert.equal(tries, c.wantTries);
      assert.deepEqual(waits, Array(c.wantTries - 1).fill(150));
    });
  }
});

describe("pods through the API", () => {
  it("get the token volume, the mirrored account, and a 403 Status for a missing account", async () => {
    const t = await startTestApi();
    try {
      const ok = await t.request("POST", "/api/v1/namespaces/default/pods", {
        body: { metadata: { name: "p" }, spec: { serviceAccount: "default", containers: [{ name: "c", image: "nginx" }] } },
      });
      assert.equal(ok.status, 201);
      const pod = t.json<Pod>(ok);
      assert.equal(pod.spec.serviceAccountName, "default", "the deprecated field fills serviceAccountName");
      assert.equal(pod.spec.serviceAccount, "default");
      const volumes = pod.spec.volumes as { name: string }[];
      assert.match(volumes[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(pod.spec.containers[0].volumeMounts, [{ name: volumes[0].name, readOnly: true, mountPath }]);
      const refused = await t.request("POST", "/api/v1/namespaces/default/pods", {
        body: { metadata: { name: "q" }, spec: { serviceAccountName: "missing", containers: [{ name: "c", image: "nginx" }] } },
      });
      assert.equal(refused.status, 403);
      assert.deepEqual(t.json(refused), {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'pods "q" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found',
        reason: "Forbidden",
        details: { name: "q", group: "", kind: "pods" },
        code: 403,
      });
    } finally {
      t.close();
    }
  });
});
