// Cluster DNS throughput and latency, side by side in one run (issue 6's figures): the same
// dnsperf command and query file against `svcnet dns` and against NSD and Unbound serving the
// equivalent static zone, on the reference matrix ("small") and on 10,000 services plus 1,000
// headless services ("large"); ratios to the peers and to CoreDNS's published 33,669 qps
// (2 vCPU). Also svcnet's memory per 1,000 services. Everything listens on 127.0.0.1 only.
// Needs dnsperf, nsd and unbound (Debian packages; `make bench-dns` installs them).
// Run: node dist/bench/dns-perf.js [--seconds 8] [--datasets small,large]

import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildQuery } from "../src/dns/wire/query-builder.js";
import { ClusterIndex } from "../src/dns/zone/cluster-index.js";
import type { Dataset } from "./dns/datasets.js";
import { largeDataset, smallDataset } from "./dns/datasets.js";
import { staticZones } from "./dns/zone-file.js";
import { formatRatio, renderTable } from "./report.js";

const COREDNS_PUBLISHED_QPS = 33_669;
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg("seconds", "8"));
const DATASETS = arg("datasets", "small,large").split(",");
const here = dirname(fileURLToPath(import.meta.url));

interface PerfResult {
  server: string;
  dataset: string;
  qps: number;
  avgLatencyMs: number;
  lostPercent: number;
  rcodes: string;
}

function have(program: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `port` answers a DNS query on 127.0.0.1 (any response). */
async function waitForDns(port: number, timeoutMs = 15_000): Promise<void> {
  const socket = createSocket("udp4");
  try {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const answered = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 200);
        socket.once("message", () => {
          clearTimeout(timer);
          resolve(true);
        });
        socket.send(buildQuery({ name: "cluster.local", qtype: 6 }), port, "127.0.0.1");
      });
      if (answered) return;
    }
    throw new Error(`nothing answers DNS on 127.0.0.1:${port}`);
  } finally {
    socket.close();
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  return gone.finally(() => clearTimeout(timer));
}

/** Runs dnsperf with the reference's flags and reads its summary. */
function dnsperf(server: string, dataset: string, port: number, queryFile: string): PerfResult {
  const out = execFileSync("dnsperf", ["-s", "127.0.0.1", "-p", String(port), "-d", queryFile, "-l", String(SECONDS), "-c", "4", "-q", "200", "-t", "2"], { encoding: "utf8" });
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  return {
    server,
    dataset,
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    lostPercent: num(/Queries lost:\s+\d+ \(([\d.]+)%\)/),
    rcodes: (/Response codes:\s+(.*)/.exec(out)?.[1] ?? "").trim(),
  };
}

async function runSvcnet(dataset: Dataset, port: number, queryFile: string): Promise<{ perf: PerfResult; rssGrowth: number; heapGrowth: number }> {
  const child = spawn(process.execPath, ["--expose-gc", join(here, "dns", "server-child.js"), dataset.name, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /^ready .*$/m.exec(out);
        if (m) resolve(m[0]);
      });
      child.once("exit", (code) => reject(new Error(`svcnet dns child exited with ${code}`)));
    });
    const [, , rssEmpty, rssLoaded, heapEmpty, heapLoaded] = line.split(" ").map(Number);
    await waitForDns(port);
    return { perf: dnsperf("svcnet dns", dataset.name, port, queryFile), rssGrowth: rssLoaded - rssEmpty, heapGrowth: heapLoaded - heapEmpty };
  } finally {
    await stop(child);
  }
}

async function runPeer(name: string, argv: string[], port: number, dataset: string, queryFile: string): Promise<PerfResult> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
  try {
    await waitForDns(port);
    return dnsperf(name, dataset, port, queryFile);
  } finally {
    await stop(child);
  }
}

function nsdConfig(dir: string, port: number): string {
  return [
    "server:",
    `    ip-address: 127.0.0.1@${port}`,
    `    port: ${port}`,
    '    username: ""',
    '    chroot: ""',
    `    zonesdir: "${dir}"`,
    '    database: ""',
    `    pidfile: "${dir}/nsd.pid"`,
    `    xfrdfile: "${dir}/nsd-xfrd.state"`,
    `    zonelistfile: "${dir}/nsd-zone.list"`,
    `    logfile: "${dir}/nsd.log"`,
    "    server-count: 1",
    "    do-ip6: no",
    // Debian's NSD limits responses per source to 200 qps unless told otherwise.
    "    rrl-ratelimit: 0",
    "    rrl-whitelist-ratelimit: 0",
    "remote-control:",
    "    control-enable: no",
    ...["cluster.local", "10.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"].flatMap((z) => ["zone:", `    name: "${z}"`, `    zonefile: "${z}.zone"`]),
    "",
  ].join("\n");
}

function unboundConfig(dir: string, port: number): string {
  return [
    "server:",
    `    interface: 127.0.0.1@${port}`,
    `    port: ${port}`,
    "    do-daemonize: no",
    '    username: ""',
    '    chroot: ""',
    `    directory: "${dir}"`,
    '    pidfile: ""',
    "    use-syslog: no",
    '    logfile: ""',
    "    verbosity: 0",
    "    num-threads: 1",
    "    do-ip6: no",
    '    module-config: "iterator"',
    "    access-control: 127.0.0.0/8 allow",
    // Unbound's built-in private reverse zones would hide these.
    '    local-zone: "10.in-addr.arpa." nodefault',
    '    local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault',
    "remote-control:",
    "    control-enable: no",
    ...["cluster.local", "10.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"].flatMap((z) => ["auth-zone:", `    name: "${z}."`, `    zonefile: "${dir}/${z}.zone"`, "    for-downstream: yes", "    for-upstream: no", "    fallback-enabled: no"]),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  if (!have("dnsperf")) {
    console.error("dnsperf is not installed: run `make bench-dns` (installs dnsperf, nsd and unbound) or apt-get install dnsperf");
    process.exitCode = 1;
    return;
  }
  const peers = { nsd: have("nsd"), unbound: have("unbound") };
  const dir = mkdtempSync(join(tmpdir(), "svcnet-dns-bench-"));
  const results: PerfResult[] = [];
  const memory: string[][] = [];
  try {
    let port = 5390;
    for (const name of DATASETS) {
      const dataset = name === "large" ? largeDataset() : smallDataset();
      const zoneDir = join(dir, dataset.name);
      mkdirSync(zoneDir, { recursive: true });
      const index = new ClusterIndex();
      for (const n of dataset.namespaces) index.setNamespace(n);
      for (const s of dataset.services) index.setService(s);
      for (const s of dataset.slices) index.setSlice(s);
      const options = { zone: "cluster.local", ttl: 5, pods: "disabled" as const, dnsService: { namespace: "kube-system", name: "kube-dns" } };
      for (const z of staticZones(index, dataset, options)) writeFileSync(join(zoneDir, `${z.origin}.zone`), z.text);
      const queryFile = join(zoneDir, "queries.txt");
      writeFileSync(queryFile, `${dataset.queries.join("\n")}\n`);
      const services = dataset.services.length;
      const svc = await runSvcnet(dataset, ++port, queryFile);
      results.push(svc.perf);
      const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MB`;
      const per1000 = (bytes: number): string => (services >= 1000 ? mb(bytes / (services / 1000)) : "-");
      memory.push([dataset.name, String(services), mb(svc.heapGrowth), per1000(svc.heapGrowth), mb(svc.rssGrowth), per1000(svc.rssGrowth)]);
      if (peers.nsd) {
        writeFileSync(join(zoneDir, "nsd.conf"), nsdConfig(zoneDir, ++port));
        results.push(await runPeer("NSD", ["nsd", "-d", "-c", join(zoneDir, "nsd.conf")], port, dataset.name, queryFile));
      }
      if (peers.unbound) {
        writeFileSync(join(zoneDir, "unbound.conf"), unboundConfig(zoneDir, ++port));
        results.push(await runPeer("Unbound", ["unbound", "-d", "-c", join(zoneDir, "unbound.conf")], port, dataset.name, queryFile));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const qpsOf = (server: string, dataset: string): number | undefined => results.find((r) => r.server === server && r.dataset === dataset)?.qps;
  console.log(`\nCluster DNS, dnsperf -l ${SECONDS} -c 4 -q 200 on 127.0.0.1 (server and dnsperf share this machine's cores)\n`);
  console.log(
    renderTable(
      ["dataset", "server", "qps", "avg latency", "lost", "svcnet ÷ this"],
      results.map((r) => [r.dataset, r.server, r.qps.toFixed(0), `${r.avgLatencyMs.toFixed(2)} ms`, `${r.lostPercent}%`, r.server === "svcnet dns" ? "" : formatRatio((qpsOf("svcnet dns", r.dataset) ?? NaN) / r.qps)]),
    ),
  );
  for (const d of DATASETS) {
    const own = qpsOf("svcnet dns", d);
    if (own !== undefined) console.log(`${d}: svcnet dns ÷ CoreDNS published (${COREDNS_PUBLISHED_QPS} qps, 2 vCPU): ${formatRatio(own / COREDNS_PUBLISHED_QPS)}; aim ≥ 1.0, and ≥ 0.5 × Unbound`);
  }
  console.log(`\nsvcnet dns memory for its index (after loading − before, after a GC; CoreDNS ≈ 1 MB per 1,000 objects)\n`);
  console.log(renderTable(["dataset", "services", "heap retained", "per 1,000", "RSS growth", "per 1,000"], memory));
  console.log(`\n${JSON.stringify({ bench: "dns-perf", seconds: SECONDS, results, memory })}`);
}

await main();
