// `svcnet dns` as its own process against `svcnet server`, the objects created with the real
// kubectl, the answers read with the real dig: the matrix rows that need only IPv4 objects, a new
// service answerable at once, a headless service following its endpoints' readiness, /ready and
// /metrics. Loopback only.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { after, before, describe, test } from "node:test";
import { dig } from "../../src/dns/server/dig.js";
import { buildQuery } from "../../src/dns/wire/query-builder.js";
import { matrixServices, matrixSlices } from "../../src/dns/zone/matrix-fixtures.js";
import { svcnetBin } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const IPV4_SERVICES = ["nginx-service", "nginx-headless", "hl-deploy", "empty-headless", "empty-svc", "my-db", "kube-dns"];

describe("svcnet dns against svcnet server", () => {
  let s: ServerProcess;
  let dns: ChildProcess | undefined;
  let out = "";
  let port = 0;
  let ready = "";
  let metrics = "";

  before(async () => {
    s = await startServer();
    dns = spawn(process.execPath, [svcnetBin(), "dns", "--kubeconfig", s.kubeconfig, "--listen", "127.0.0.1:0", "--health", "127.0.0.1:0", "--ready", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    dns.stdout?.on("data", (c: Buffer) => (out += c.toString()));
    dns.stderr?.on("data", (c: Buffer) => (out += c.toString()));
    await waitFor("svcnet dns listening", () => /on 127\.0\.0\.1:(\d+) \(udp, tcp\)/.test(out) && /\/metrics on/.test(out), { timeoutMs: 10_000 });
    port = Number(/on 127\.0\.0\.1:(\d+) \(udp, tcp\)/.exec(out)?.[1]);
    ready = /\/ready on (\S+)/.exec(out)?.[1] ?? "";
    metrics = /\/metrics on (\S+)/.exec(out)?.[1] ?? "";
  });
  after(async () => {
    if (dns && dns.exitCode === null) {
      const gone = new Promise((r) => dns?.once("exit", r));
      dns.kill("SIGTERM");
      await gone;
    }
    await s?.stop();
  });

  const at = { get server() { return "127.0.0.1"; }, get port() { return port; } };

  test("the matrix objects, created with kubectl, answer as the matrix says", async () => {
    const objects = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "staging" } },
      ...matrixServices.filter((x) => IPV4_SERVICES.includes(x.metadata.name ?? "")),
      // Slices of our own (not the EndpointSlice controller's): the matrix's endpoints without pods.
      ...matrixSlices.map((x) => ({ ...x, metadata: { ...x.metadata, labels: { ...x.metadata.labels, "endpointslice.kubernetes.io/managed-by": "e2e.svcnet.dev" } } })),
    ];
    const created = await s.kubectl(["create", "-f", "-"], { input: objects.map((o) => `---\n${JSON.stringify(o)}\n`).join("") });
    assert.equal(created.code, 0, created.stderr);
    await waitFor("ready", async () => (await fetch(`http://${ready}/ready`)).status === 200, { timeoutMs: 10_000 });
    await waitFor("nginx-service answers", async () => (await dig("nginx-service.default.svc.cluster.local", "A", at)).rcode === "NOERROR", { timeoutMs: 10_000 });
    await waitFor("the headless endpoints arrived", async () => (await dig("nginx-headless.default.svc.cluster.local", "A", at)).answer.length === 3, { timeoutMs: 10_000 });
    const rows: { name: string; type: string; rcode: string; answer?: string[]; aa?: boolean }[] = [
      { name: "nginx-service.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["nginx-service.default.svc.cluster.local. 5 IN A 10.0.0.252"] },
      { name: "_http._tcp.nginx-service.default.svc.cluster.local", type: "SRV", rcode: "NOERROR", answer: ["_http._tcp.nginx-service.default.svc.cluster.local. 5 IN SRV 0 100 8000 nginx-service.default.svc.cluster.local."] },
      { name: "kubernetes.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["kubernetes.default.svc.cluster.local. 5 IN A 10.0.0.1"] },
      { name: "web-1.nginx-headless.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["web-1.nginx-headless.default.svc.cluster.local. 5 IN A 10.1.13.3"] },
      { name: "3.13.1.10.in-addr.arpa", type: "PTR", rcode: "NOERROR", answer: ["3.13.1.10.in-addr.arpa. 5 IN PTR web-1.nginx-headless.default.svc.cluster.local."] },
      { name: "hl-deploy.default.svc.cluster.local", type: "SRV", rcode: "NOERROR", answer: ["hl-deploy.default.svc.cluster.local. 5 IN SRV 0 100 9000 10-1-14-5.hl-deploy.default.svc.cluster.local."] },
      { name: "empty-headless.default.svc.cluster.local", type: "A", rcode: "NXDOMAIN", answer: [] },
      { name: "empty-svc.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["empty-svc.default.svc.cluster.local. 5 IN A 10.0.0.77"] },
      { name: "my-db.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["my-db.default.svc.cluster.local. 5 IN CNAME db.example.com."] },
      { name: "staging.svc.cluster.local", type: "A", rcode: "NOERROR", answer: [] },
      { name: "nosuchns.svc.cluster.local", type: "A", rcode: "NXDOMAIN", answer: [] },
      { name: "_dns._udp.kube-dns.kube-system.svc.cluster.local", type: "SRV", rcode: "NOERROR", answer: ["_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."] },
      { name: "cluster.local", type: "NS", rcode: "NOERROR", answer: ["cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."] },
      { name: "www.example.com", type: "A", rcode: "REFUSED", answer: [], aa: false },
    ];
    for (const r of rows) {
      const got = await dig(r.name, r.type, at);
      assert.equal(got.rcode, r.rcode, got.text);
      assert.equal(got.flags.includes("aa"), r.aa ?? true, got.text);
      if (r.answer) assert.deepEqual(got.answer.sort(), [...r.answer].sort(), got.text);
    }
  });

  test("a new service answers within moments; a headless service follows readiness", async () => {
    const socket = createSocket("udp4");
    try {
      const rcodeOf = (name: string): Promise<number> =>
        new Promise((resolveRcode) => {
          const timer = setTimeout(() => resolveRcode(-1), 500);
          socket.once("message", (msg: Buffer) => {
            clearTimeout(timer);
            resolveRcode(msg[3] & 0xf);
          });
          socket.send(buildQuery({ name, qtype: 1, id: Math.floor(Math.random() * 65_535) }), port, "127.0.0.1");
        });
      assert.equal(await rcodeOf("late.default.svc.cluster.local"), 3, "NXDOMAIN before it exists");
      const t0 = Date.now();
      const made = await s.kubectl(["create", "service", "clusterip", "late", "--tcp=80:80"]);
      assert.equal(made.code, 0, made.stderr);
      let took = -1;
      for (let i = 0; i < 400; i++) {
        if ((await rcodeOf("late.default.svc.cluster.local")) === 0) {
          took = Date.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      // kubectl's own start-up is most of this; bench/dns-latency measures the server's part.
      assert.ok(took >= 0 && took < 2000, `answerable ${took} ms after kubectl create`);

      const notReady = { ...matrixSlices[1], metadata: { ...matrixSlices[1].metadata, labels: { ...matrixSlices[1].metadata.labels, "endpointslice.kubernetes.io/managed-by": "e2e.svcnet.dev" } }, endpoints: (matrixSlices[1].endpoints ?? []).map((e) => ({ ...e, conditions: { ready: false } })) };
      const replaced = await s.kubectl(["replace", "-f", "-"], { input: JSON.stringify(notReady) });
      assert.equal(replaced.code, 0, replaced.stderr);
      await waitFor("nginx-headless NXDOMAIN once no endpoint is ready", async () => (await rcodeOf("nginx-headless.default.svc.cluster.local")) === 3, { timeoutMs: 5000 });
    } finally {
      socket.close();
    }
  });

  test("/metrics counts what was asked", async () => {
    const text = await (await fetch(`http://${metrics}/metrics`)).text();
    assert.match(text, /^coredns_dns_requests_total\{.*type="SRV".*\} [1-9]\d*$/m);
    assert.match(text, /^coredns_dns_responses_total\{.*rcode="REFUSED".*\} [1-9]\d*$/m);
    assert.match(text, /^svcnet_dns_index_objects\{kind="services"\} [1-9]\d*$/m);
  });
});
