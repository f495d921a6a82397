// A real etcd for tests: `startEtcd()` runs /usr/bin/etcd (Debian package etcd-server) on free
// loopback ports with a fresh data dir and waits until it answers; `stop()` kills it and removes
// the dir. A missing binary is an error, never a silent skip: `make build` installs it.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Options for startEtcd. */
export interface StartEtcdOptions {
  /** The etcd binary (default /usr/bin/etcd). */
  binary?: string;
  /** How long to wait for etcd to answer (default 20000 ms). */
  startTimeoutMs?: number;
}

/** A running etcd. */
export interface EtcdTestServer {
  /** Client URLs, e.g. ["http://127.0.0.1:40123"]. */
  endpoints: string[];
  /** Its data directory (removed by stop). */
  dataDir: string;
  /** Kills etcd (SIGKILL: its data is thrown away anyway) and removes the data dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a single-member etcd on 127.0.0.1; retries on a port race. Throws if it cannot. */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdTestServer> {
  const binary = options.binary ?? "/usr/bin/etcd";
  if (!existsSync(binary)) {
    throw new Error(`etcd not found at ${binary}: install the Debian package etcd-server (\`make build\` does)`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, options.startTimeoutMs ?? 20_000);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(binary: string, timeoutMs: number): Promise<EtcdTestServer> {
  const [clientPort, peerPort] = await freePorts(2);
  const dataDir = mkdtempSync(join(tmpdir(), "svcnet-etcd-"));
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    binary,
    [
      "--name=test",
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      "--initial-cluster-state=new",
      "--logger=zap",
      "--log-level=error",
      // One member: no peer to wait for, so elect itself quickly.
      "--heartbeat-interval=10",
      "--election-timeout=100",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener("exit", killOnExit);
      await kill(child);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    await waitHealthy(child, client, timeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`etcd did not start: ${(err as Error).message}\n${stderr}`);
  }
  return { endpoints: [client], dataDir, stop };
}

async function waitHealthy(child: ChildProcess, client: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${client}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await response.json()) as { health?: unknown };
      if (body.health === "true") return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no answer on ${client} within ${timeoutMs} ms`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Ports the kernel hands out on 127.0.0.1 right now, all distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
