// How soon a service change is answerable (issue 6's aim: within 100 ms): `svcnet server` and
// `svcnet dns` as separate processes, services created one at a time through the API; after each
// create the benchmark asks for the name over UDP every millisecond until it gets NOERROR, and
// after each delete until NXDOMAIN. Reported from the API's answer to the create/delete (watch +
// index time) and from the request's start (including the API write). Loopback only.
// Run: node dist/bench/dns-latency.js [--services 200]

import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { requireResource } from "../src/api/resources.js";
import type { Service } from "../src/api/types.js";
import { HttpsTransport, KubeClient } from "../src/client/index.js";
import { buildQuery } from "../src/dns/wire/query-builder.js";
import { startServer } from "../test/e2e/helpers/server-process.js";
import { svcnetBin } from "../test/e2e/helpers/repo.js";
import { summarize } from "./stats.js";

const flag = process.argv.indexOf("--services");
const COUNT = flag > 0 ? Math.min(240, Math.max(10, Number(process.argv[flag + 1]) || 200)) : 200;
const AIM_MS = 100;

async function main(): Promise<void> {
  const server = await startServer();
  const dns = spawn(process.execPath, [svcnetBin(), "dns", "--kubeconfig", server.kubeconfig, "--listen", "127.0.0.1:0", "--health", "", "--ready", "", "--metrics", ""], { stdio: ["ignore", "pipe", "inherit"] });
  const socket = createSocket("udp4");
  const transport = HttpsTransport.fromKubeconfig(server.kubeconfig);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      dns.stdout?.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /on 127\.0\.0\.1:(\d+) \(udp, tcp\)/.exec(out);
        if (m && /synced/.test(out)) resolve(Number(m[1]));
      });
      dns.once("exit", (code) => reject(new Error(`svcnet dns exited with ${code}`)));
    });
    let nextId = 1;
    const rcodeOf = (name: string): Promise<number> =>
      new Promise((resolve) => {
        const id = nextId++ & 0xffff;
        const timer = setTimeout(() => {
          socket.off("message", onMessage);
          resolve(-1);
        }, 50);
        const onMessage = (msg: Buffer): void => {
          if (msg.readUInt16BE(0) !== id) return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          resolve(msg[3] & 0xf);
        };
        socket.on("message", onMessage);
        socket.send(buildQuery({ id, name, qtype: 1 }), port, "127.0.0.1");
      });
    const until = async (name: string, rcode: number): Promise<number> => {
      for (;;) {
        if ((await rcodeOf(name)) === rcode) return performance.now();
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    const services = new KubeClient<Service>(transport, requireResource("", "v1", "services"));
    const created = { fromAnswer: [] as number[], fromRequest: [] as number[] };
    const deleted = { fromAnswer: [] as number[], fromRequest: [] as number[] };
    for (let i = 0; i < COUNT; i++) {
      const name = `lat-${i}`;
      const fqdn = `${name}.default.svc.cluster.local`;
      const t0 = performance.now();
      await services.create({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { ports: [{ port: 80 }] } });
      const t1 = performance.now();
      const t2 = await until(fqdn, 0);
      created.fromAnswer.push(t2 - t1);
      created.fromRequest.push(t2 - t0);
    }
    for (let i = 0; i < COUNT; i++) {
      const fqdn = `lat-${i}.default.svc.cluster.local`;
      const t0 = performance.now();
      await services.delete("default", `lat-${i}`);
      const t1 = performance.now();
      const t2 = await until(fqdn, 3);
      deleted.fromAnswer.push(t2 - t1);
      deleted.fromRequest.push(t2 - t0);
    }
    const line = (label: string, samples: number[]): string => {
      const s = summarize(samples);
      return `${label.padEnd(44)} p50 ${s.p50.toFixed(1).padStart(6)} ms  p99 ${s.p99.toFixed(1).padStart(6)} ms  max ${s.max.toFixed(1).padStart(6)} ms  p99 ÷ aim (${AIM_MS} ms) ${(s.p99 / AIM_MS).toFixed(2)}×`;
    };
    console.log(`\nService change → answerable by svcnet dns (${COUNT} services, one at a time, separate processes)\n`);
    console.log(line("create: from the API's answer", created.fromAnswer));
    console.log(line("create: from the request (API write included)", created.fromRequest));
    console.log(line("delete: from the API's answer (NXDOMAIN)", deleted.fromAnswer));
    console.log(line("delete: from the request", deleted.fromRequest));
    console.log(`\n${JSON.stringify({ bench: "dns-latency", services: COUNT, created: summarize(created.fromAnswer), deleted: summarize(deleted.fromAnswer) })}`);
  } finally {
    socket.close();
    transport.close();
    dns.kill("SIGTERM");
    await server.stop();
  }
}

await main();
