// The README's tour of the seed on svcnet ("The seed's tour on svcnet") is checked here, so the
// guide cannot drift from the software: every ```console block between the tour markers of
// README.md is run, command by command, on a sandbox of this test's own (`svcnet up`, as root),
// and each command's output must read as the README shows it once what varies between runs is
// normalised (ages, timestamps, uids, counters, pod addresses) and the values picked at random
// (ClusterIP, NodePort, pod names, endpoint chains) are paired consistently. README.zh.md must
// carry exactly the same commands and outputs (only its prose is translated).
//
// A command that changes the cluster runs once; one that looks at it is run again (for up to
// 30 s) until its output matches, as a reader would wait for pods to start.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { UpCluster } from "./helpers/up-cluster.js";
import { startUp } from "./helpers/up-cluster.js";
import type { Bindings } from "./helpers/guide/output-bindings.js";
import { NO_BINDINGS, bindCommand } from "./helpers/guide/output-bindings.js";
import { matchOutput } from "./helpers/guide/match-output.js";
import type { TourStep } from "./helpers/guide/tour-steps.js";
import { extractTourSteps } from "./helpers/guide/tour-steps.js";
import { changesCluster, localise } from "./helpers/guide/tour-commands.js";

const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces)";
const readme = (name: string): TourStep[] => extractTourSteps(readFileSync(join(repoRoot(), name), "utf8"));

/** How long a looking command may take to show what the README shows. */
const CONVERGE_MS = 30_000;
/** One run of one command. */
const ATTEMPT_MS = 15_000;

describe("the README's tour of the seed", () => {
  test("README.zh.md shows the same commands and outputs as README.md", () => {
    const en = readme("README.md");
    const zh = readme("README.zh.md");
    assert.ok(en.length >= 10, `README.md's tour has only ${en.length} commands`);
    const shape = (steps: TourStep[]): Array<{ command: string; expected: readonly string[] }> => steps.map(({ command, expected }) => ({ command, expected }));
    assert.deepEqual(shape(zh), shape(en));
  });

  describe("on svcnet up", { skip }, () => {
    let up: UpCluster;
    let port8000Taken = false;

    before(async () => {
      // The LoadBalancer's port 8000 is published on the host's 127.0.0.1; another sandbox on
      // this machine may hold it already.
      port8000Taken = !(await loopbackPortFree(8000));
      up = await startUp([], { idPrefix: "gd", timeoutMs: 60_000 });
    });
    after(async () => {
      await up?.stop();
    });

    test("every command of README.md's tour prints what the README shows", { timeout: 90_000 }, async (t) => {
      const apiPort = Number(/answers inside the sandbox at 172\.17\.8\.101:(\d+)/.exec(up.output())?.[1]);
      assert.ok(apiPort > 0, `cannot find the API port in svcnet up's output:\n${up.output()}`);
      const names = { id: up.id, apiPort };
      const env = { ...process.env, KUBECONFIG: up.kubeconfig, KUBECACHEDIR: join(up.dataDir, "kube-cache") };
      let bindings: Bindings = NO_BINDINGS;
      for (const step of readme("README.md")) {
        const command = bindCommand(localise(step.command, names), bindings);
        if (port8000Taken && command.includes("127.0.0.1:8000")) {
          t.diagnostic(`skipped README.md:${step.line} (${step.command}): 127.0.0.1:8000 was in use before the sandbox started`);
          continue;
        }
        const expected = step.expected.map((l) => localise(l, names));
        const deadline = Date.now() + (changesCluster(command) ? 0 : CONVERGE_MS);
        for (let attempt = 1; ; attempt++) {
          const r = await runShell(command, env, ATTEMPT_MS);
          const m = matchOutput(expected, r.output, bindings);
          if (r.code === 0 && m.ok) {
            bindings = m.bindings;
            break;
          }
          if (Date.now() >= deadline) {
            const why = m.ok ? `exit code ${r.code}` : `${m.reason}${r.code === 0 ? "" : ` (exit code ${r.code})`}`;
            assert.fail(`README.md:${step.line} \`$ ${step.command}\` (run as \`${command}\`, ${attempt} attempt(s)): ${why}\n--- the README shows:\n${step.expected.join("\n")}\n--- the command printed:\n${r.output}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    });
  });
});

/** Runs `command` with bash (pipefail; stderr into stdout, as a terminal shows both) from the checkout. */
function runShell(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-o", "pipefail", "-c", `exec 2>&1\n${command}`], { cwd: repoRoot(), env, stdio: ["ignore", "pipe", "inherit"], detached: true });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output: signal ? `${output}\n(killed by ${signal} after ${timeoutMs} ms)` : output });
    });
  });
}

function loopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
