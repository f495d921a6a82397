import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

import { parseNetexecFlags, type NetexecFlags } from "./netexec.js";
import { eventually, start, type Started } from "./test-helpers.js";

describe("parseNetexecFlags", () => {
  const defaults: NetexecFlags = { httpPort: 8080, udpPort: 8081, address: "0.0.0.0" };
  const cases: { name: string; argv: string[]; want: NetexecFlags | RegExp }[] = [
    { name: "defaults", argv: [], want: defaults },
    { name: "--flag=value", argv: ["--http-port=9376", "--udp-port=9377"], want: { ...defaults, httpPort: 9376, udpPort: 9377 } },
    { name: "--flag value", argv: ["--http-port", "80", "--address", "127.0.0.1"], want: { ...defaults, httpPort: 80, address: "127.0.0.1" } },
    { name: "unknown flag", argv: ["--shell"], want: /unknown flag: --shell/ },
    { name: "missing value", argv: ["--udp-port"], want: /needs an argument/ },
    { name: "not a port", argv: ["--http-port=http"], want: /not a port/ },
    { name: "port out of range", argv: ["--http-port=70000"], want: /not a port/ },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      if (tc.want instanceof RegExp) assert.throws(() => parseNetexecFlags(tc.argv), tc.want);
      else assert.deepEqual(parseNetexecFlags(tc.argv), tc.want);
    });
  }
});

describe("netexec script", () => {
  // The sibling script, as source under tsx or compiled under dist/.
  const script = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "./netexec.ts" : "./netexec.js", import.meta.url));
  const run = (logDir: string, ...flags: string[]): Started =>
    start([process.execPath, ...(script.endsWith(".ts") ? ["--import", "tsx"] : []), script, "--http-port=0", "--udp-port=0", "--address=127.0.0.1", ...flags], logDir);
  const httpPortOf = async (p: Started): Promise<number> =>
    eventually(() => {
      const m = /Started HTTP server on port (\d+)/.exec(p.stdout());
      if (!m) throw new Error(`not started: ${p.stdout()} ${p.stderr()}`);
      return Number(m[1]);
    }, 15000);

  const cases: { name: string; stop: (p: Started, port: number) => Promise<void>; code: number }[] = [
    { name: "exits 0 on SIGTERM", stop: async (p) => void p.child.kill("SIGTERM"), code: 0 },
    { name: "exits with the code /exit asks for", stop: async (_, port) => void (await (await fetch(`http://127.0.0.1:${port}/exit?code=7`)).text()), code: 7 },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      const dir = await mkdtemp(join(tmpdir(), "svcnet-netexec-"));
      const p = run(dir);
      try {
        const port = await httpPortOf(p);
        const res = await fetch(`http://127.0.0.1:${port}/hostname`);
        assert.equal(await res.text(), hostname());
        await tc.stop(p, port);
        assert.equal(await p.exited, tc.code);
      } finally {
        await p.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("refuses bad flags with exit code 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "svcnet-netexec-"));
    const p = run(dir, "--shell=true");
    try {
      assert.equal(await p.exited, 2);
      assert.match(p.stderr(), /unknown flag: --shell/);
    } finally {
      await p.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
