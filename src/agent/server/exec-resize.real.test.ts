// Terminal sizes of `kubectl exec -t` for real (as root): exec sessions through the API server of
// a one-node test sandbox into an nginx pod, driven with the WebSocket remote-command protocol
// (v5.channel.k8s.io) the way kubectl speaks it, and once with the real kubectl under `script`.
// The sizes must reach the pod's terminal: `stty size` inside says so.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { WebSocket } from "ws";
import type { Pod } from "../../api/types.js";
import { resource } from "../../controllers/controller-context.js";
import type { TestSandbox } from "../node/test-sandbox.js";
import { startTestSandbox } from "../node/test-sandbox.js";
import { CLOSE, ERROR, RESIZE, STDIN, STDOUT } from "./exec-session.js";
import type { TestKubectl } from "./test-kubectl.js";
import { startTestKubectl } from "./test-kubectl.js";

const isRoot = process.getuid?.() === 0;

interface Session {
  send(channel: number, data: string): void;
  resize(cols: number, rows: number): void;
  /** Resolves once the terminal output matches `pattern` (fails after 10 s with what came). */
  waitFor(pattern: RegExp): Promise<string>;
  /** The final Status (channel 3). */
  status: Promise<Record<string, unknown>>;
  close(): void;
}

describe("exec terminal sizes on the namespace sandbox", { skip: isRoot ? false : "needs root (network namespaces)" }, () => {
  let sandbox: TestSandbox;
  let kubectl: TestKubectl;

  before(async () => {
    sandbox = await startTestSandbox({ idPrefix: "r", nodes: 1, proxy: false });
    kubectl = await startTestKubectl(sandbox.cluster.api.api);
    const pods = sandbox.cluster.client<Pod>(resource("", "v1", "pods"));
    await pods.create({ metadata: { name: "web", namespace: "default" }, spec: { containers: [{ name: "nginx", image: "nginx" }] } });
    await sandbox.cluster.waitFor("pod web Running", async () => (await pods.get("default", "web")).status?.phase === "Running", 20_000);
  });
  after(async () => {
    await kubectl?.close();
    await sandbox?.stop();
    assert.deepEqual(await sandbox?.leftovers(), [], "no namespace of this test is left");
  });

  /** Opens `kubectl exec -ti web -- <command>` as a WebSocket; `onOpen` runs before anything else is read. */
  async function exec(command: string[], onOpen: (s: Session) => void = () => undefined): Promise<Session> {
    const query = new URLSearchParams([...command.map((c): [string, string] => ["command", c]), ["stdin", "true"], ["stdout", "true"], ["tty", "true"]]);
    const ws = new WebSocket(`${kubectl.server.replace("https", "wss")}/api/v1/namespaces/default/pods/web/exec?${query}`, ["v5.channel.k8s.io"], {
      headers: { authorization: `Bearer ${kubectl.token}` },
      ca: kubectl.caCert,
    });
    let output = "";
    const waiters = new Set<() => void>();
    let resolveStatus: (s: Record<string, unknown>) => void = () => undefined;
    const status = new Promise<Record<string, unknown>>((resolve) => (resolveStatus = resolve));
    ws.on("message", (data: Buffer) => {
      if (data[0] === STDOUT) output += data.subarray(1).toString();
      if (data[0] === ERROR) resolveStatus(JSON.parse(data.subarray(1).toString()) as Record<string, unknown>);
      for (const wake of waiters) wake();
    });
    const session: Session = {
      send: (channel, data) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)])),
      resize: (cols, rows) => session.send(RESIZE, JSON.stringify({ Width: cols, Height: rows })),
      async waitFor(pattern) {
        const end = Date.now() + 10_000;
        while (!pattern.test(output)) {
          if (Date.now() > end) throw new Error(`no ${pattern} in the terminal output: ${JSON.stringify(output)}`);
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              waiters.delete(wake);
              resolve();
            };
            waiters.add(wake);
            setTimeout(wake, 100);
          });
        }
        return output;
      },
      status,
      close: () => ws.close(),
    };
    await once(ws, "open");
    onOpen(session);
    return session;
  }

  test("the size sent right after connecting is the terminal's size when the command starts", { timeout: 30_000 }, async () => {
    const s = await exec(["stty", "size"], (session) => session.resize(123, 45));
    await s.waitFor(/45 123/);
    assert.deepEqual(await s.status, { metadata: {}, status: "Success" });
  });

  test("a resize mid-session: the next command sees it (input typed after a resize meets the new size)", { timeout: 30_000 }, async () => {
    const s = await exec(["sh"], (session) => session.resize(100, 30));
    s.send(STDIN, "stty size\n");
    await s.waitFor(/30 100/);
    s.resize(80, 20);
    s.send(STDIN, "stty size; exit\n");
    await s.waitFor(/20 80/);
    assert.deepEqual(await s.status, { metadata: {}, status: "Success" });
  });

  test("the foreground job gets SIGWINCH", { timeout: 30_000 }, async () => {
    const s = await exec(["sh", "-c", "trap 'echo winch; stty size' WINCH; echo armed; while :; do sleep 0.05; done"], (session) => session.resize(60, 10));
    try {
      await s.waitFor(/armed/);
      s.resize(90, 25);
      await s.waitFor(/winch\s+25 90/);
    } finally {
      s.send(CLOSE, String.fromCharCode(STDIN));
      s.close();
    }
  });

  test("without a terminal nothing waits for a size: kubectl exec's output, error output and exit code", { timeout: 30_000 }, async () => {
    const r = await kubectl.run(["exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "out\n");
    assert.match(r.stderr, /^err\n/);
  });

  test("the real kubectl exec -it, in a terminal of 33x77 (under script), gives the pod that size", { timeout: 30_000 }, async () => {
    const child = spawn("script", ["-q", "-e", "-c", "stty rows 33 cols 77; kubectl exec -it web -- stty size", "/dev/null"], { env: kubectl.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.match(out, /33 77/);
  });
});
