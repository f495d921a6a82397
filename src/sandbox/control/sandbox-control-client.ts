// The client of a running `svcnet up`'s control socket (sandbox-control-server.ts), for
// `svcnet sandbox`, fault tests and benchmarks. Errors carry the server's one-line message.

import { request } from "node:http";
import type { PartStatus, StopSignal } from "./sandbox-part.js";

/** The control socket of the `svcnet up` whose data dir is `dataDir`. */
export const controlSocketPath = (dataDir: string): string => `${dataDir.replace(/\/+$/, "")}/sandbox.sock`;

export class SandboxControlClient {
  constructor(readonly socketPath: string) {}

  async parts(): Promise<PartStatus[]> {
    return ((await this.#call("GET", "/parts")) as { parts: PartStatus[] }).parts;
  }

  async stop(name: string, signal: StopSignal = "SIGTERM"): Promise<PartStatus> {
    return ((await this.#call("POST", `/parts/${encodeURIComponent(name)}/stop?signal=${signal}`)) as { part: PartStatus }).part;
  }

  async start(name: string): Promise<PartStatus> {
    return ((await this.#call("POST", `/parts/${encodeURIComponent(name)}/start`)) as { part: PartStatus }).part;
  }

  #call(method: string, path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            reject(new Error(`the control socket ${this.socketPath} answered ${res.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          if (res.statusCode === 200) resolve(body);
          else reject(new Error((body as { error?: string }).error ?? `status ${res.statusCode}`));
        });
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        const why = e.code === "ENOENT" || e.code === "ECONNREFUSED" ? "is svcnet up running with this --data-dir?" : e.message;
        reject(new Error(`cannot reach ${this.socketPath}: ${why}`));
      });
      req.end();
    });
  }
}
