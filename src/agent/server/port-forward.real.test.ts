// `kubectl port-forward` for real (as root): the real kubectl 1.32 against the API server of a
// one-node test sandbox, whose agent runs an nginx pod in its own network namespace. Both of
// kubectl's transports are used — the WebSocket tunnel it tries first, and plain SPDY (its
// fallback, forced with KUBECTL_PORT_FORWARD_WEBSOCKETS=false) — and a client built from our
// codec shows that a session outlives a refused port (kubectl itself quits on the first error).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:https";
import type { Socket } from "node:net";
import type { Pod } from "../../api/types.js";
import { resource } from "../../controllers/controller-context.js";
import { PortForwardClient } from "../../streaming/port-forward/port-forward-client.js";
import type { TestSandbox } from "../node/test-sandbox.js";
import { startTestSandbox } from "../node/test-sandbox.js";
import type { PortForwardSessionEvent } from "./port-forward-upgrade.js";
import type { TestKubectl } from "./test-kubectl.js";
import { startTestKubectl } from "./test-kubectl.js";

const isRoot = process.getuid?.() === 0;

function curl(url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("curl", ["-sS", "--max-time", "5", url], (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout: String(stdout), stderr: String(stderr) }));
  });
}

/** This process's children running the dial helper (they must all be gone after a session). */
function dialHelpers(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("pod-dial-main.js")) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Forward {
  child: ChildProcess;
  localPort: number;
  stderr(): string;
  stdout(): string;
  stop(): Promise<void>;
}

describe("kubectl port-forward on the namespace sandbox", { skip: isRoot ? false : "needs root (network namespaces)" }, () => {
  let sandbox: TestSandbox;
  let kubectl: TestKubectl;
  let uid: string;
  const sessions: PortForwardSessionEvent[] = [];
  const onSession = (event: unknown): void => void sessions.push(event as PortForwardSessionEvent);

  before(async () => {
    subscribe("svcnet:kubelet:port-forward", onSession);
    sandbox = await startTestSandbox({ idPrefix: "f", nodes: 1, proxy: false });
    kubectl = await startTestKubectl(sandbox.cluster.api.api);
    const pods = sandbox.cluster.client<Pod>(resource("", "v1", "pods"));
    await pods.create({ metadata: { name: "web", namespace: "default" }, spec: { containers: [{ name: "nginx", image: "nginx" }] } });
    const running = await sandbox.cluster.waitFor("pod web Running", async () => {
      const pod = await pods.get("default", "web");
      return pod.status?.phase === "Running" && pod;
    }, 20_000);
    uid = running.metadata.uid ?? "";
  });
  after(async () => {
    unsubscribe("svcnet:kubelet:port-forward", onSession);
    await kubectl?.close();
    await sandbox?.stop();
    assert.deepEqual(await sandbox?.leftovers(), [], "no namespace of this test is left");
    await until("no dial helper left", () => dialHelpers().length === 0, 5000);
  });

  /** A plain SPDY upgrade of pods/<pod>/portforward through the API server, as kubectl's fallback asks. */
  function spdyUpgrade(pod: string): Promise<{ socket: Socket } | { status: number; body: string }> {
    const url = new URL(`/api/v1/namespaces/default/pods/${pod}/portforward`, kubectl.server);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: "POST",
        ca: kubectl.caCert,
        headers: { authorization: `Bearer ${kubectl.token}`, connection: "Upgrade", upgrade: "SPDY/3.1", "x-stream-protocol-version": "portforward.k8s.io" },
      });
      req.on("upgrade", (res, socket: Socket) => {
        assert.equal(res.headers["x-stream-protocol-version"], "portforward.k8s.io");
        resolve({ socket });
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  /** Starts `kubectl port-forward pod/web :<remote>` and waits for its local port. */
  async function forward(remote: number, env: Record<string, string> = {}): Promise<Forward> {
    const child = kubectl.spawn(["port-forward", "pod/web", `:${remote}`], { env });
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    const exited = once(child, "exit");
    await until(`kubectl to forward a local port to ${remote} (stderr: ${err})`, () => /Forwarding from 127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null);
    const localPort = Number(/Forwarding from 127\.0\.0\.1:(\d+) -> /.exec(out)?.[1]);
    assert.ok(localPort > 0, `kubectl did not forward: ${out}\n${err}`);
    return {
      child,
      localPort,
      stderr: () => err,
      stdout: () => out,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
      },
    };
  }

  for (const [transport, env] of [
    ["websocket", {}],
    ["spdy", { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" }],
  ] as const) {
    test(`over ${transport === "websocket" ? "the WebSocket tunnel (kubectl's first choice)" : "plain SPDY (kubectl's fallback)"}: nginx's page, also twice at once`, { timeout: 60_000 }, async () => {
      const seen = sessions.length;
      const f = await forward(80, env);
      try {
        const started = Date.now();
        const first = await curl(`http://127.0.0.1:${f.localPort}/`);
        const firstMs = Date.now() - started;
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, /<title>Welcome to nginx!<\/title>/);
        const both = Date.now();
        const pair = await Promise.all([curl(`http://127.0.0.1:${f.localPort}/`), curl(`http://127.0.0.1:${f.localPort}/`)]);
        const pairMs = Date.now() - both;
        for (const r of pair) assert.match(r.stdout, /Welcome to nginx!/, r.stderr);
        assert.deepEqual(sessions.slice(seen), [{ namespace: "default", pod: "web", transport }]);
        assert.equal(f.child.exitCode, null, "kubectl is still forwarding");
        console.log(`# ${transport}: first request ${firstMs} ms (starts the dial helper), two at once ${pairMs} ms`);
      } finally {
        await f.stop();
      }
      // The session ends with kubectl, and its dial helper with it.
      await until("the dial helper to stop", () => dialHelpers().length === 0);
    });
  }

  test("a port nothing listens on: kubectl shows the kubelet's error (and, since kubectl 1.23, quits)", { timeout: 60_000 }, async () => {
    const f = await forward(81);
    try {
      const r = await curl(`http://127.0.0.1:${f.localPort}/`);
      assert.notEqual(r.code, 0, "nothing answers on port 81 in the pod");
      await until("kubectl to report the error", () => f.stderr().includes("error forwarding port 81"));
      assert.match(
        f.stderr(),
        new RegExp(
          `an error occurred forwarding \\d+ -> 81: error forwarding port 81 to pod web_default, uid ${uid}: ` +
            `failed to execute portforward in network namespace \\\\"/var/run/netns/svcnet-f\\w+-pod-\\w+\\\\": ` +
            `failed to connect to localhost:81 inside namespace \\\\"web_default\\\\", IPv4: dial tcp4 127\\.0\\.0\\.1:81: connect: connection refused IPv6 dial tcp6 \\[::1\\]:81: `,
        ),
      );
      // kubectl closes its own connection after an error (kubernetes#103526); the server did not.
      await until("kubectl to give up", () => f.child.exitCode !== null, 10_000);
      assert.match(f.stderr(), /lost connection to pod/);
    } finally {
      await f.stop();
    }
  });

  test("a session outlives a refused port: a codec-built client over plain SPDY through the API server", { timeout: 60_000 }, async () => {
    const upgraded = await spdyUpgrade("web");
    assert.ok("socket" in upgraded, `no upgrade: ${JSON.stringify(upgraded)}`);
    const socket = upgraded.socket;
    const client = new PortForwardClient(socket);
    const read = async (conn: { data: AsyncIterable<unknown> }): Promise<string> => {
      const chunks: Buffer[] = [];
      for await (const c of conn.data) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString();
    };
    try {
      const refused = await client.connect(81);
      refused.data.end();
      assert.equal(await read(refused), "");
      assert.match(await refused.error, /^error forwarding port 81 to pod web_default, uid [\w-]+: .*connect: connection refused/);
      const ok = await client.connect(80);
      ok.data.end("GET / HTTP/1.0\r\nHost: web\r\n\r\n");
      assert.match(await read(ok), /^HTTP\/1\.1 200 OK[\s\S]*Welcome to nginx!/);
      assert.equal(await ok.error, "");
    } finally {
      client.session.destroy();
      await client.session.closed;
    }
    await until("the dial helper to stop", () => dialHelpers().length === 0);
  });

  test("a pod that is not there, or not running: kubectl's errors, and the API's Status", { timeout: 30_000 }, async () => {
    const missing = await kubectl.run(["port-forward", "pod/nope", "18099:80"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /pods "nope" not found/);
    const pods = sandbox.cluster.client<Pod>(resource("", "v1", "pods"));
    // An image the agent cannot run: the pod stays Pending on its node.
    await pods.create({ metadata: { name: "stuck", namespace: "default" }, spec: { containers: [{ name: "c", image: "example.com/no-such-image" }] } });
    await sandbox.cluster.waitFor("pod stuck on a node", async () => Boolean((await pods.get("default", "stuck")).spec.nodeName), 10_000);
    const pending = await kubectl.run(["port-forward", "pod/stuck", "18099:80"]);
    assert.notEqual(pending.code, 0);
    assert.match(pending.stderr, /unable to forward port because pod is not running\. Current status=Pending/);
    const refused = await spdyUpgrade("stuck");
    assert.ok("status" in refused);
    assert.equal(refused.status, 400);
    assert.match(JSON.parse(refused.body).message, /^unable to upgrade connection: pod stuck is not running \(phase Pending\)$/);
  });
});
