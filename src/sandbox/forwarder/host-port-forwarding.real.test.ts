// LoadBalancer ports on the host's 127.0.0.1, end to end in the real kernel: an in-process API
// server holds the services, runHostPortForwarding starts the relay in a "client" namespace of our
// own, and a "node" namespace holds the VIPs on its eth0 (as a speaker would) with a server behind
// them. The two namespaces are joined by one veth pair created inside them; nothing is added to
// the root namespace, and the host only ever connects to its own 127.0.0.1. Needs root.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { get } from "node:http";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { requireResource } from "../../api/resources.js";
import type { Service } from "../../api/types.js";
import type { TestApi } from "../../apiserver/test-api.js";
import { startTestApi, testToken } from "../../apiserver/test-api.js";
import { InProcessTransport, KubeClient } from "../../client/index.js";
import { listNamespaces } from "../destroy-by-prefix.js";
import { ExecIpRunner } from "../ip-runner.js";
import { runHostPortForwarding } from "./host-port-forwarding.js";
import { freePort, listenLoopback, waitFor } from "./test-helpers.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

const CLIENT_IP = "172.17.8.200";
const NODE_IP = "172.17.8.101";
const VIP_A = "172.17.8.201";
const VIP_B = "172.17.8.202";

// Listens on every port given in argv on all of the node's addresses and answers each request with
// the address and port it was reached at, so the test sees which VIP a host port leads to.
const SERVER = [
  "const http = require('node:http');",
  "const ports = process.argv.slice(1).map(Number);",
  "let up = 0;",
  "for (const port of ports) http.createServer((req, res) => res.end(req.socket.localAddress + ':' + req.socket.localPort))",
  "  .listen(port, '0.0.0.0', () => { if (++up === ports.length) console.log('listening'); });",
  "process.stdin.resume(); process.stdin.on('end', () => process.exit(0));",
].join("\n");

/** GET http://127.0.0.1:port/ on a fresh connection; resolves with the body or the error code. */
function fetchBody(port: number): Promise<{ body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ body: Buffer.concat(chunks).toString() }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

/** Polls 127.0.0.1:port until the answer is `want` ("ECONNREFUSED" for a closed port). */
async function waitForAnswer(port: number, want: string, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  let last: { body?: string; error?: string } = {};
  while (Date.now() - started < timeoutMs) {
    last = await fetchBody(port);
    if ((last.body ?? last.error) === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`127.0.0.1:${port} answered ${JSON.stringify(last)}, not ${want}`);
}

describe("LoadBalancer ports on the host's loopback, into real namespaces", { skip }, () => {
  const runner = new ExecIpRunner();
  const prefix = `svcnet-t${randomBytes(4).toString("hex")}-`;
  const clientNs = `${prefix}client`;
  const nodeNs = `${prefix}node`;
  const created: string[] = [];
  let server: ChildProcessWithoutNullStreams | undefined;
  let api: TestApi | undefined;
  const stop = new AbortController();
  let forwarding: Promise<void> | undefined;
  const logs: string[] = [];
  // Host ports free a moment ago; inside the node namespace every port is free.
  let portA = 0;
  let portC = 0;

  before(async () => {
    for (const ns of [clientNs, nodeNs]) {
      await runner.ip(["netns", "add", ns]);
      created.push(ns);
      await runner.ip(["-n", ns, "link", "set", "lo", "up"]);
    }
    await runner.ip(["-n", clientNs, "link", "add", "name", "eth0", "type", "veth", "peer", "name", "eth0", "netns", nodeNs]);
    await runner.ip(["-n", clientNs, "addr", "add", `${CLIENT_IP}/24`, "dev", "eth0"]);
    await runner.ip(["-n", nodeNs, "addr", "add", `${NODE_IP}/24`, "dev", "eth0"]);
    // What the speaker does for the addresses its node owns.
    for (const vip of [VIP_A, VIP_B]) await runner.ip(["-n", nodeNs, "addr", "add", `${vip}/32`, "dev", "eth0"]);
    for (const ns of [clientNs, nodeNs]) await runner.ip(["-n", ns, "link", "set", "eth0", "up"]);

    portA = await freePort();
    do portC = await freePort();
    while (portC === portA);
    const child = spawn("ip", ["netns", "exec", nodeNs, process.execPath, "-e", SERVER, String(portA), String(portC)], { stdio: ["pipe", "pipe", "pipe"] });
    server = child;
    const [line] = (await Promise.race([
      once(createInterface({ input: child.stdout }), "line"),
      once(child, "exit").then(() => Promise.reject(new Error("the node's server exited"))),
    ])) as [string];
    assert.equal(line, "listening");

    api = await startTestApi();
    const transport = new InProcessTransport(api.api, { token: testToken });
    forwarding = runHostPortForwarding(
      { transport, netns: clientNs, nodeIP: NODE_IP, allow: ["172.17.8.0/24"], retryMs: 200, log: (l) => logs.push(l) },
      stop.signal,
    );
  });

  after(async () => {
    stop.abort();
    try {
      await forwarding;
    } finally {
      api?.close();
      if (server && server.exitCode === null && server.signalCode === null) {
        server.kill("SIGKILL");
        await once(server, "close");
      }
      for (const ns of created) await runner.ip(["netns", "del", ns]);
    }
    assert.deepEqual(await listNamespaces(runner, prefix), []);
  });

  it("publishes each LoadBalancer port to its VIP, reports clashes and busy ports once, and withdraws", async () => {
    assert.ok(api);
    const services = new KubeClient<Service>(new InProcessTransport(api.api, { token: testToken }), requireResource("", "v1", "services"));
    const createLoadBalancer = async (name: string, port: number, ip: string): Promise<void> => {
      const svc = await services.create({
        apiVersion: "v1",
        kind: "Service",
        metadata: { namespace: "default", name },
        spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, selector: { app: name }, ports: [{ port, protocol: "TCP" }] },
      });
      await services.updateStatus({ ...svc, status: { loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } } });
    };

    // One service: the host port reaches the server at its VIP, from the client's namespace.
    await createLoadBalancer("lb-a", portA, VIP_A);
    const publishedAfter = await waitForAnswer(portA, `${VIP_A}:${portA}`);
    console.log(`# 127.0.0.1:${portA} answered from ${VIP_A} ${publishedAfter} ms after the status was written`);
    assert.ok(logs.includes(`LoadBalancer port ${portA}/TCP of default/lb-a published on 127.0.0.1:${portA} (→ ${VIP_A}:${portA} in the sandbox)`), logs.join("\n"));

    // A second service on the same port: reported once, naming both; the first keeps the port.
    await createLoadBalancer("lb-b", portA, VIP_B);
    const clash = (l: string): boolean => l.startsWith(`LoadBalancer port ${portA}/TCP of default/lb-b is not published on 127.0.0.1:${portA}: LoadBalancer port ${portA}/TCP of default/lb-a has that host port`);
    await waitFor(() => logs.some(clash), 5000);
    assert.equal((await fetchBody(portA)).body, `${VIP_A}:${portA}`);

    // A host port another program holds: reported, retried, published once it is free.
    const squatter = createServer((s) => s.destroy());
    await listenLoopback(squatter, portC);
    await createLoadBalancer("lb-c", portC, VIP_B);
    const busy = `LoadBalancer port ${portC}/TCP of default/lb-c is not published on the host: 127.0.0.1:${portC} is already in use on the host`;
    await waitFor(() => logs.some((l) => l.startsWith(busy)), 5000);
    await new Promise((r) => setTimeout(r, 600)); // a few retries
    assert.equal(logs.filter((l) => l.startsWith(busy)).length, 1, "said once, however often retried");
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    const freedAfter = await waitForAnswer(portC, `${VIP_B}:${portC}`);
    console.log(`# 127.0.0.1:${portC} published ${freedAfter} ms after the other program let it go (retry every 200 ms)`);

    // lb-a loses its address: the port goes to lb-b, the next in line.
    const a = await services.get("default", "lb-a");
    await services.updateStatus({ ...a, status: { loadBalancer: {} } });
    await waitForAnswer(portA, `${VIP_B}:${portA}`);

    // lb-b goes, and lb-c changes type: their ports are closed on the host.
    await services.delete("default", "lb-b");
    await waitForAnswer(portA, "ECONNREFUSED");
    const c = await services.get("default", "lb-c");
    await services.update({ ...c, spec: { ...c.spec, type: "ClusterIP", allocateLoadBalancerNodePorts: undefined } });
    await waitForAnswer(portC, "ECONNREFUSED");

    assert.equal(logs.filter(clash).length, 1, `the clash was said once:\n${logs.join("\n")}`);
  });
});
