// A machine joins a running cluster with a join token, with real pieces: `svcnet server` and a
// one-node namespace sandbox with its agent (core-v2-01, which also answers for the API at
// 172.17.8.101:<port> through a relay, as a control-plane machine would), plus one more namespace
// on the sandbox's underlay playing another machine (172.17.8.150). In that namespace runs
// `svcnet agent --server https://172.17.8.101:<port> --token … --ca-cert-hash … --proxy` with
// nothing else: it discovers the cluster, gets a node client certificate through a
// CertificateSigningRequest the server's controllers approve and sign (TLS bootstrap), becomes a
// Ready node whose pods live on a docker0 in the machine's own namespace, and serves and reaches
// pods of the other node through ClusterIPs once the host-gw routes are in place (added inside the
// namespaces only). The token alone may read neither Secrets nor Nodes. A wrong token, a wrong CA
// hash, a missing hash and an unreachable server are each refused with one line.
// Needs root; everything lives in svcnet-<id>-* namespaces and temp dirs, removed at the end.
//
// The agent enters the machine's namespace with `nsenter --net` rather than `ip netns exec`: the
// latter also gives it a mount namespace of its own (a slave of the host's), where the named
// namespaces it makes for its pods would be mounted out of everyone else's sight — on a real
// machine the agent shares the host's mounts, and so does it here.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { caCertHash } from "../../src/apiserver/bootstrap-token-discovery.js";
import { runApiAccess } from "../../src/sandbox/forwarder/api-access.js";
import { ExecIpRunner } from "../../src/sandbox/ip-runner.js";
import { underlayMemberCommands } from "../../src/sandbox/topology-commands.js";
import { podNetnsName } from "../../src/sandbox/topology-plan.js";
import type { AgentCluster } from "./helpers/agent-cluster.js";
import { startAgentCluster } from "./helpers/agent-cluster.js";
import { svcnetBin } from "./helpers/repo.js";
import { waitFor } from "./helpers/wait-for.js";
import { yamlStream } from "./helpers/yaml-stream.js";

const isRoot = process.getuid?.() === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `svcnet <args>` in network namespace `netns`, with the host's mounts (see the file comment). */
const inMachine = (netns: string, args: string[]): string[] => [`--net=/run/netns/${netns}`, process.execPath, svcnetBin(), ...args];

/** Runs `svcnet <args>` inside `netns` to the end (at most `timeoutMs`). */
function svcnetIn(netns: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile("nsenter", inMachine(netns, args), { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs kubectl with `kubeconfig` inside `netns` (where the advertised address is reachable). */
function kubectlIn(netns: string, kubeconfig: string, args: string[], cacheDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile("nsenter", [`--net=/run/netns/${netns}`, "kubectl", "--kubeconfig", kubeconfig, "--cache-dir", cacheDir, ...args], { timeout: 30_000, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `svcnet <args>` on the host (admin commands that talk to the server on 127.0.0.1). */
function svcnet(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [svcnetBin(), ...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const machineIP = "172.17.8.150";
const machineCidr = "10.1.50.0/24";

describe("a machine joins with a bootstrap token", { skip: isRoot ? false : "needs root for the namespace sandbox" }, () => {
  let c: AgentCluster;
  let scratch: string;
  let machineNetns: string;
  let machineNode: string;
  let apiURL: string;
  let token: string;
  let hash: string;
  let agent: ChildProcess | undefined;
  let agentLog = "";
  const stopApiAccess = new AbortController();
  let apiAccess: Promise<void> | undefined;

  before(async () => {
    c = await startAgentCluster({ nodes: 1, idPrefix: "j" });
    scratch = mkdtempSync(join(tmpdir(), "svcnet-join-"));
    const node = c.plan.nodes[0];
    machineNetns = `${c.plan.prefix}m1`;
    machineNode = `${c.plan.id}-m1`;
    // The API at the address the server advertises, inside the sandbox (on core-v2-01).
    apiURL = `https://${node.ip}:${c.server.port}`;
    apiAccess = runApiAccess({ netns: node.netns, listen: { host: node.ip, port: c.server.port }, apiPort: c.server.port }, stopApiAccess.signal);
    await c.startAgent(node.name);
    // The other machine: a namespace on the underlay, with host-gw routes both ways.
    const runner = new ExecIpRunner();
    for (const args of underlayMemberCommands(c.plan.underlay, { netns: machineNetns, dev: "eth0", underlayPeer: "veth-m1", ip: machineIP, ipPrefixLength: 24 })) await runner.ip(args);
    await runner.ip(["-n", machineNetns, "route", "add", node.podCidr, "via", node.ip, "dev", "eth0"]);
    await runner.ip(["-n", machineNetns, "route", "add", "10.0.0.0/24", "dev", "eth0"]);
    await runner.ip(["-n", node.netns, "route", "add", machineCidr, "via", machineIP, "dev", "eth0"]);
    // A join token and the CA pin, as an admin makes them.
    const created = await svcnet(["token", "create", "--ttl", "1h", "--description", "e2e", "--print-join-command", "--kubeconfig", c.server.kubeconfig]);
    assert.equal(created.code, 0, created.stderr);
    const m = /^svcnet agent --server (\S+) --token (\S+) --ca-cert-hash (sha256:[0-9a-f]{64})$/m.exec(created.stdout);
    assert.ok(m, created.stdout);
    assert.equal(m[1], apiURL, "the advertised address, not the admin kubeconfig's 127.0.0.1");
    [, , token, hash] = m;
    assert.equal(hash, caCertHash(readFileSync(join(c.server.dataDir, "ca.crt"), "utf8")));
  });

  after(async () => {
    try {
      if (agent && agent.exitCode === null && agent.signalCode === null) {
        const gone = new Promise((r) => agent?.once("exit", r));
        agent.kill("SIGTERM");
        const t = setTimeout(() => agent?.kill("SIGKILL"), 10_000);
        await gone;
        clearTimeout(t);
      }
    } finally {
      stopApiAccess.abort();
      await apiAccess?.catch(() => undefined);
      // The machine's namespace and its pods' (svcnet-<id>-m1-pod-*) go with the sandbox's.
      await c?.stop();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  });

  test("the server made a join token at start and lists it", async () => {
    const listed = await svcnet(["token", "list", "--kubeconfig", c.server.kubeconfig]);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split("\n");
    assert.match(lines[0], /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/);
    assert.ok(lines.some((l) => /^[a-z0-9]{6}\.[a-z0-9]{16}\s+23h\s+\S+Z\s+authentication,signing\s+made by 'svcnet server' at start/.test(l)), listed.stdout);
    assert.ok(lines.some((l) => l.startsWith(`${token} `) && /\s(59m|1h)\s/.test(l) && / e2e /.test(l)), listed.stdout);
  });

  test("a wrong token, a wrong hash, no hash and an unreachable server are refused with one line", async () => {
    const base = ["agent", "--node-name", machineNode, "--node-ip", machineIP, "--pod-cidr", machineCidr, "--data-dir", join(scratch, "refused")];
    const wrongSecret = `${token.slice(0, 7)}${token[7] === "a" ? "b" : "a"}${token.slice(8)}`;
    const cases: { name: string; args: string[]; want: RegExp; warn?: RegExp }[] = [
      { name: "wrong token", args: ["--server", apiURL, "--token", wrongSecret, "--ca-cert-hash", hash], want: /^error: the server refused the join token [a-z0-9]{6}\.…: it is wrong, expired or deleted; make a new one .*'svcnet token create/ },
      { name: "unknown token id", args: ["--server", apiURL, "--token", "zzzzzz.0123456789abcdef", "--ca-cert-hash", hash], want: /^error: the server refused the join token/ },
      { name: "wrong CA hash", args: ["--server", apiURL, "--token", token, "--ca-cert-hash", `sha256:${"0".repeat(64)}`], want: /^error: the server's CA \(sha256:[0-9a-f]{64}\) does not match --ca-cert-hash sha256:0{64}/ },
      { name: "no hash", args: ["--server", apiURL, "--token", token], want: /^error: --ca-cert-hash sha256:… is needed/ },
      {
        name: "unverified, wrong token",
        args: ["--server", apiURL, "--token", wrongSecret, "--discovery-token-unsafe-skip-ca-verification"],
        warn: /^warning: joining without checking the server's identity/,
        want: /^error: the server refused the join token/,
      },
      { name: "nothing listens there", args: ["--server", `https://${c.plan.nodes[0].ip}:1`, "--token", token, "--ca-cert-hash", hash], want: /^error: cannot reach the API server at https:\/\/172\.17\.8\.101:1 \(.*ECONNREFUSED.*\): check the address and port/ },
    ];
    for (const k of cases) {
      const r = await svcnetIn(machineNetns, [...base, ...k.args]);
      const lines = r.stderr.trim().split("\n");
      assert.equal(r.code, 1, `${k.name}: ${r.stdout}${r.stderr}`);
      assert.equal(lines.length, k.warn ? 2 : 1, `${k.name}: one line: ${r.stderr}`);
      assert.match(lines[lines.length - 1], k.want, k.name);
      if (k.warn) assert.match(lines[0], k.warn, k.name);
    }
    const nodes = (await c.server.kubectl(["get", "nodes", "-o", "name"])).stdout;
    assert.ok(!nodes.includes(machineNode), "no refused agent registered a node");
  });

  test("the machine joins, becomes Ready, and its pods reach and are reached through ClusterIPs", async () => {
    const dataDir = join(scratch, "machine");
    agent = spawn(
      "nsenter",
      inMachine(machineNetns, ["agent", "--server", apiURL, "--token", token, "--ca-cert-hash", hash, "--node-name", machineNode, "--node-ip", machineIP, "--pod-cidr", machineCidr, "--proxy", "--data-dir", dataDir]),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    agent.stdout?.on("data", (d: Buffer) => (agentLog += d.toString()));
    agent.stderr?.on("data", (d: Buffer) => (agentLog += d.toString()));
    await waitFor(`node ${machineNode} Ready`, async () => new RegExp(`^${machineNode}\\s+Ready\\s`, "m").test((await c.server.kubectl(["get", "nodes", "--no-headers"])).stdout), {
      timeoutMs: 30_000,
      state: () => agentLog.slice(-2000),
    });
    assert.match(agentLog, /joined the cluster at https:\/\/172\.17\.8\.101:\d+ \(CA sha256:[0-9a-f]{64}\) with a client certificate for system:node:\S+ from node-csr-\S+/);
    // The node's credential is its certificate; the token stays in the bootstrap kubeconfig only.
    const kubeconfig = join(dataDir, "kubelet.kubeconfig");
    const bootstrapKubeconfig = join(dataDir, "bootstrap-kubeconfig");
    for (const f of [kubeconfig, bootstrapKubeconfig]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    const written = readFileSync(kubeconfig, "utf8");
    assert.ok(written.includes("client-certificate-data:") && written.includes("client-key-data:") && !written.includes(token), "the kubeconfig holds a certificate and key, not the token");
    assert.ok(readFileSync(bootstrapKubeconfig, "utf8").includes(`token: ${token}`));
    for (const f of [kubeconfig, bootstrapKubeconfig]) assert.ok(!readFileSync(f, "utf8").includes(readFileSync(join(c.server.dataDir, "admin.token"), "utf8").trim()), "never the admin token");
    const cache = join(scratch, "kubectl-cache");
    const whoami = await kubectlIn(machineNetns, kubeconfig, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"], cache);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, new RegExp(`^system:node:${machineNode} .*"system:nodes"`));
    // The request, as an admin sees it: the token's user asked, csrapproving approved, csrsigning issued.
    const csrs = await c.server.kubectl(["get", "csr", "--no-headers"]);
    assert.match(csrs.stdout, new RegExp(`^node-csr-\\S+\\s+\\S+\\s+kubernetes\\.io/kube-apiserver-client-kubelet\\s+system:bootstrap:${token.slice(0, 6)}\\s+.*Approved,Issued$`, "m"), csrs.stdout);
    // The token alone is no node: no Secrets, no Nodes.
    for (const args of [["get", "secrets", "-n", "kube-system"], ["get", "node", "core-v2-01"]]) {
      const r = await kubectlIn(machineNetns, bootstrapKubeconfig, args, cache);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stdout}`);
      assert.match(r.stderr, /Forbidden/, args.join(" "));
    }

    const pod = (name: string, nodeName: string, app: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default", labels: { app } },
      spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: "netexec", image: "svcnet/netexec", args: ["--http-port=8080"] }] },
    });
    const svc = (name: string, app: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] } });
    const created = await c.server.kubectl(["create", "-f", "-"], {
      input: yamlStream([pod("on-machine", machineNode, "m"), pod("on-sandbox", "core-v2-01", "s"), svc("to-machine", "m"), svc("to-sandbox", "s")]),
    });
    assert.equal(created.code, 0, created.stderr);
    await waitFor("both pods Running with an address", async () => {
      const out = (await c.server.kubectl(["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase}/{.status.podIP}/{.status.hostIP} {end}"])).stdout;
      return /on-machine=Running\/10\.1\.50\.\d+\/172\.17\.8\.150/.test(out) && /on-sandbox=Running\/10\.1\.13\.\d+\//.test(out);
    }, { timeoutMs: 30_000, state: () => agentLog.slice(-2000) });

    const clusterIP = async (name: string) => (await c.server.kubectl(["get", "svc", name, "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    const fromSandbox = podNetnsName(c.plan.prefix, "default/on-sandbox");
    const fromMachine = podNetnsName(`svcnet-${machineNode}-`, "default/on-machine");
    const toMachine = `http://${await clusterIP("to-machine")}/hostname`;
    const toSandbox = `http://${await clusterIP("to-sandbox")}/hostname`;
    for (const [from, url, want] of [[fromSandbox, toMachine, "on-machine"], [fromMachine, toSandbox, "on-sandbox"]] as const) {
      await waitFor(`${want} answering ${url} from ${from}`, async () => {
        const r = await c.inNetns(from, ["curl", "-s", "--max-time", "2", url], 4000);
        return r.code === 0 && r.stdout.trim() === want;
      }, { timeoutMs: 20_000, state: () => agentLog.slice(-1500) });
    }
    // The proxy wrote its rules into the machine's namespace (never the host's).
    const nat = await c.inNetns(machineNetns, ["iptables-save", "-t", "nat"]);
    assert.match(nat.stdout, /KUBE-SERVICES/);
  });
});

describe("svcnet server prints a join line", () => {
  test("the line names the advertised address, a token and the CA pin; --join-token-ttl none prints none", async () => {
    for (const [ttl, wantLine] of [["2h", true], ["none", false]] as const) {
      const dir = mkdtempSync(join(tmpdir(), "svcnet-joinline-"));
      const child = spawn(process.execPath, [svcnetBin(), "server", "--data-dir", join(dir, "data"), "--listen", "127.0.0.1:0", "--advertise-address", "172.17.8.101", "--join-token-ttl", ttl], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
      try {
        await waitFor("the server's kubeconfig line", () => /^kubeconfig: /m.test(out), { timeoutMs: 30_000, state: () => out });
        // The join line, when there is one, is written right after the kubeconfig line.
        await new Promise((r) => setTimeout(r, 300));
        const ca = readFileSync(join(dir, "data", "ca.crt"), "utf8");
        const line = /^join a node: (.*)$/m.exec(out)?.[1];
        if (wantLine) {
          assert.match(line ?? "", new RegExp(`^svcnet agent --server https://172\\.17\\.8\\.101:\\d+ --token [a-z0-9]{6}\\.[a-z0-9]{16} --ca-cert-hash ${caCertHash(ca)}$`), out);
        } else {
          assert.equal(line, undefined, out);
        }
      } finally {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        await gone;
        clearTimeout(t);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
