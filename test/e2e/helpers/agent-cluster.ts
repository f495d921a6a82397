// A cluster of real pieces for data-plane e2e tests and benchmarks: `svcnet server`, a namespace
// sandbox of N nodes, and one `svcnet agent --sandbox-id` process per node (with the proxy and
// the LoadBalancer speaker), each of which can be killed and started again on its own. The
// sandbox's outside-client namespace (172.17.8.200) plays a machine on the node network.
// Needs root. Everything lives in svcnet-<id>-* namespaces and temp dirs, removed by stop().

import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { destroyByPrefix } from "../../../src/sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../../src/sandbox/ip-runner.js";
import { buildSandboxNetwork } from "../../../src/sandbox/sandbox-network.js";
import { nodeSubject, writeComponentKubeconfig } from "../../../src/server/component-credentials.js";
import type { TopologyPlan } from "../../../src/sandbox/topology-plan.js";
import { planTopology } from "../../../src/sandbox/topology-plan.js";
import type { CuttableRelay } from "./cuttable-relay.js";
import { startCuttableRelay } from "./cuttable-relay.js";
import { svcnetBin } from "./repo.js";
import type { ServerProcess } from "./server-process.js";
import { startServer } from "./server-process.js";
import { waitFor } from "./wait-for.js";

export interface AgentCluster {
  server: ServerProcess;
  plan: TopologyPlan;
  /** Starts (again) the agent of node `name`; resolves when the node is Ready. */
  startAgent(name: string): Promise<void>;
  /** Sends `signal` to the agent of node `name` and waits for it to exit. */
  stopAgent(name: string, signal: NodeJS.Signals): Promise<void>;
  /** Cuts the agent of node `name` off the API server (its relay drops every connection). */
  partition(name: string): void;
  /** Lets the agent of node `name` reach the API server again. */
  heal(name: string): void;
  /** Runs a command in a namespace of the sandbox; never rejects. */
  inNetns(netns: string, argv: string[], timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  /** What the agents printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface AgentClusterOptions {
  nodes: number;
  /** A prefix for the sandbox id (letters), e.g. "l". */
  idPrefix: string;
  /** Extra `svcnet agent` flags. */
  agentFlags?: string[];
  /** Extra `svcnet server` flags (e.g. a shorter --node-monitor-grace-period). */
  serverArgs?: string[];
}

export async function startAgentCluster(o: AgentClusterOptions): Promise<AgentCluster> {
  const runner = new ExecIpRunner();
  const id = `${o.idPrefix}${randomBytes(4).toString("hex")}`;
  const plan = planTopology({ id, nodes: o.nodes });
  const dataDir = mkdtempSync(join(tmpdir(), "svcnet-agent-cluster-"));
  const agents = new Map<string, ChildProcess>();
  // Each agent reaches the API through a relay of its own, so that one node can be partitioned.
  const relays = new Map<string, { relay: CuttableRelay; kubeconfig: string }>();
  let log = "";
  const server = await startServer(o.serverArgs ? { extraArgs: o.serverArgs } : {});
  try {
    await buildSandboxNetwork(plan, runner);
  } catch (e) {
    await destroyByPrefix(runner, { id });
    await server.stop();
    throw e;
  }

  const inNetns: AgentCluster["inNetns"] = (netns, argv, timeoutMs = 10_000) =>
    new Promise((resolve) => {
      execFile("ip", ["netns", "exec", netns, ...argv], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  const stopAgent: AgentCluster["stopAgent"] = async (name, signal) => {
    const child = agents.get(name);
    agents.delete(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await gone;
  };

  const relayFor = async (name: string): Promise<string> => {
    const known = relays.get(name);
    if (known) return known.kubeconfig;
    const relay = await startCuttableRelay(server.port);
    // The agent reaches the API as its node (a client certificate for system:node:<name>), as `svcnet up`'s agents do.
    const kubeconfig = writeComponentKubeconfig(join(dataDir, "kubeconfigs", name), { caDir: server.dataDir, server: `https://127.0.0.1:${relay.port}`, subject: nodeSubject(name) });
    relays.set(name, { relay, kubeconfig });
    return kubeconfig;
  };

  const startAgent: AgentCluster["startAgent"] = async (name) => {
    const kubeconfig = await relayFor(name);
    const args = [svcnetBin(), "agent", "--kubeconfig", kubeconfig, "--sandbox-id", id, "--node-name", name, "--data-dir", join(dataDir, name), "--proxy", "--speaker", ...(o.agentFlags ?? [])];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c: Buffer) => (log += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (log += c.toString()));
    agents.set(name, child);
    await waitFor(`node ${name} Ready`, async () => new RegExp(`^${name}\\s+Ready\\s`, "m").test((await server.kubectl(["get", "nodes", "--no-headers"])).stdout), {
      timeoutMs: 30_000,
      state: () => log.slice(-2000),
    });
  };

  return {
    server,
    plan,
    startAgent,
    stopAgent,
    partition: (name) => relays.get(name)?.relay.cut(),
    heal: (name) => relays.get(name)?.relay.heal(),
    inNetns,
    log: () => log,
    async stop() {
      try {
        await Promise.all([...agents.keys()].map((name) => stopAgent(name, "SIGTERM")));
      } finally {
        await destroyByPrefix(runner, { id });
        await Promise.all([...relays.values()].map((r) => r.relay.close()));
        rmSync(dataDir, { recursive: true, force: true });
        await server.stop();
      }
    },
  };
}
