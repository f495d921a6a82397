// Runs one probe of a container, from inside the pod's network namespace as kubelet's prober
// reaches the pod: exec (in the container's namespaces, success = exit 0), httpGet (success =
// 200–399, via curl in the pod's netns) and tcpSocket (success = the connection opens).

import { execFile } from "node:child_process";
import type { Container } from "../../api/types.js";
import type { ContainerProcess } from "../runtime/container-process.js";
import { execInContainer } from "../runtime/exec-in-container.js";

export interface Probe {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string };
  tcpSocket?: { port: number | string; host?: string };
  timeoutSeconds?: number;
}

/** A named port resolved against the container's ports, as kubelet does. */
export function probePort(port: number | string, container: Container): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function run(argv: string[], timeoutMs: number): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs + 1000 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

const tcpScript = `const s=require("net").connect(+process.argv[2],process.argv[1]);s.setTimeout(+process.argv[3],()=>process.exit(1));s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));`;

export async function runProbe(probe: Probe, o: { netns: string; podIP: string; container: Container; process: ContainerProcess }): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec?.command?.length) {
    try {
      const r = await execInContainer(o.process, probe.exec.command, { timeoutMs });
      return r.exitCode === 0;
    } catch {
      return false;
    }
  }
  if (probe.httpGet) {
    const port = probePort(probe.httpGet.port, o.container);
    if (port === undefined) return false;
    const scheme = (probe.httpGet.scheme ?? "HTTP").toLowerCase();
    const url = `${scheme}://${probe.httpGet.host ?? o.podIP}:${port}${probe.httpGet.path ?? "/"}`;
    const r = await run(["ip", "netns", "exec", o.netns, "curl", "-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", String(timeoutMs / 1000), url], timeoutMs);
    const status = Number(r.stdout);
    return status >= 200 && status < 400;
  }
  if (probe.tcpSocket) {
    const port = probePort(probe.tcpSocket.port, o.container);
    if (port === undefined) return false;
    const r = await run(["ip", "netns", "exec", o.netns, process.execPath, "-e", tcpScript, probe.tcpSocket.host ?? o.podIP, String(port), String(timeoutMs)], timeoutMs);
    return r.code === 0;
  }
  return false;
}
