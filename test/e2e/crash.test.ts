// Durability of acknowledged writes: clients create objects over HTTPS as fast as they can, the
// sqlite-backed server is killed with SIGKILL mid-stream, and after a restart on the same data
// dir every object whose 201 arrived is there, nothing was invented, and allocation and
// resourceVersions carry on from where they were.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeList, KubeObject, Service } from "../../src/api/types.js";
import { KubeHttp, readKubeconfig } from "./helpers/kube-http.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { sleep, waitFor } from "./helpers/wait-for.js";

/** One kind of object a writer creates: where it is POSTed and what its n-th body is. */
interface WriterKind {
  name: string;
  path: string;
  body: (name: string) => unknown;
  /** Stop after this many acknowledged creates (default: until the server dies). */
  max?: number;
}

const endpoints: WriterKind = {
  name: "ep",
  path: "/api/v1/namespaces/default/endpoints",
  body: (name) => ({ metadata: { name }, subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ port: 8080, protocol: "TCP" }] }] }),
};
const headless: WriterKind = {
  name: "headless",
  path: "/api/v1/namespaces/default/services",
  body: (name) => ({ metadata: { name }, spec: { clusterIP: "None", selector: { app: name }, ports: [{ port: 80 }] } }),
};
// Capped so that the /24 service range keeps room for the checks after the restart.
const clusterIP: WriterKind = {
  name: "vip",
  path: "/api/v1/namespaces/default/services",
  body: (name) => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } }),
  max: 60,
};

interface Ack {
  name: string;
  kind: WriterKind;
  resourceVersion: number;
}

/** What the writers saw: acknowledged creates, and any answer other than 201 before the kill. */
interface WriteLog {
  acked: Ack[];
  unexpected: string[];
  /** Requests that got no answer (the server died under them). */
  cut: number;
}

/** Creates objects of `kind` one after the other until the server stops answering or `stop()`. */
async function writer(http: KubeHttp, kind: WriterKind, id: number, log: WriteLog, stopped: () => boolean): Promise<void> {
  for (let n = 0; !stopped() && (kind.max === undefined || n < kind.max); n++) {
    const name = `crash-${kind.name}-${id}-${n}`;
    let answer;
    try {
      answer = await http.request(kind.path, { method: "POST", body: kind.body(name), timeoutMs: 10_000 });
    } catch {
      log.cut++;
      return;
    }
    if (answer.status !== 201) {
      log.unexpected.push(`${name}: ${answer.status} ${answer.text}`);
      return;
    }
    const obj = answer.json() as KubeObject;
    log.acked.push({ name, kind, resourceVersion: Number(obj.metadata.resourceVersion) });
  }
}

describe("SIGKILL of a sqlite-backed server under write load", () => {
  let s: ServerProcess | undefined;
  const clients: KubeHttp[] = [];
  after(async () => {
    for (const c of clients) c.close();
    await s?.stop();
  });

  test("every create that was answered 201 survives kill -9 and a restart", async (t) => {
    // Without the endpoints controller: as kube's, it deletes Endpoints that no Service owns
    // once its caches sync, and the writers' Endpoints have none, so the objects counted would
    // race a controller rather than the crash.
    s = await startServer({ extraArgs: ["--controllers", "*,-endpoint"] });
    const load = new KubeHttp(readKubeconfig(s.kubeconfig), { maxSockets: 32 });
    clients.push(load);
    const kinds = [endpoints, endpoints, endpoints, endpoints, endpoints, endpoints, headless, headless, clusterIP];
    const log: WriteLog = { acked: [], unexpected: [], cut: 0 };
    let killed = false;
    const writers = kinds.map((kind, id) => writer(load, kind, id, log, () => killed));
    await sleep(1500);
    // On a slow machine, give the writers time to get a fair number of creates through.
    await waitFor("50 acknowledged creates", () => log.acked.length >= 50 || log.unexpected.length > 0, { timeoutMs: 20_000 });
    // Killed while every writer has a request in flight; they end at their first failure.
    await s.kill("SIGKILL");
    killed = true;
    await Promise.all(writers);
    t.diagnostic(`${log.acked.length} creates acknowledged before the kill, ${log.cut} cut off`);
    assert.deepEqual(log.unexpected, [], "every create before the kill was answered 201");
    const inFlight = log.cut;
    assert.ok(inFlight <= kinds.length);

    await s.restart();
    const http = KubeHttp.fromKubeconfig(s.kubeconfig);
    clients.push(http);
    const present = new Map<string, KubeObject>();
    for (const path of [endpoints.path, headless.path]) {
      const r = await http.request(path);
      assert.equal(r.status, 200, r.text);
      for (const item of (r.json() as KubeList).items) present.set(`${path}/${item.metadata.name ?? ""}`, item);
    }
    const missing = log.acked.filter((a) => !present.has(`${a.kind.path}/${a.name}`)).map((a) => a.name);
    assert.deepEqual(missing, [], `${missing.length} of ${log.acked.length} acknowledged objects are lost`);
    for (const a of log.acked) {
      assert.equal(present.get(`${a.kind.path}/${a.name}`)?.metadata.resourceVersion, String(a.resourceVersion), a.name);
    }
    // Nothing invented: besides the acknowledged objects there are at most the creates whose
    // answer the kill cut off (committed or not).
    const ackedKeys = new Set(log.acked.map((a) => `${a.kind.path}/${a.name}`));
    // (Only keys a writer could have made: a controller may add objects of other kinds.)
    const writerPrefixes = kinds.map((kind) => `${kind.path}/crash-${kind.name}-`);
    const extra = [...present.keys()].filter((k) => writerPrefixes.some((p) => k.startsWith(p)) && !ackedKeys.has(k));
    assert.ok(extra.length <= inFlight, `unacknowledged objects: ${extra.join(", ")} (${inFlight} requests were cut)`);

    // The revision counter carries on above everything acknowledged.
    const maxAcked = Math.max(...log.acked.map((a) => a.resourceVersion));
    const fresh = await http.request(endpoints.path, { method: "POST", body: endpoints.body("after-crash") });
    assert.equal(fresh.status, 201, fresh.text);
    assert.ok(Number((fresh.json() as KubeObject).metadata.resourceVersion) > maxAcked);

    // ClusterIPs handed out before the crash stay taken: new services get other ones.
    const fresh2 = await Promise.all(
      Array.from({ length: 20 }, (_, i) => http.request(clusterIP.path, { method: "POST", body: clusterIP.body(`after-crash-vip-${i}`) })),
    );
    for (const r of fresh2) assert.equal(r.status, 201, r.text);
    const services = ((await http.request(clusterIP.path)).json() as KubeList<Service>).items;
    const ips = services.map((svc) => svc.spec?.clusterIP).filter((ip): ip is string => ip !== undefined && ip !== "None");
    assert.equal(new Set(ips).size, ips.length, `a ClusterIP is held twice: ${ips.sort().join(" ")}`);

    const kubectl = await s.kubectl(["get", "ep", "after-crash", "-o", "name"]);
    assert.equal(kubectl.code, 0, kubectl.stderr);
    assert.equal(kubectl.stdout.trim(), "endpoints/after-crash");
  });
});
