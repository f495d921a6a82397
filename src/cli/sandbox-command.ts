// `svcnet sandbox`: stop and start parts of a running `svcnet up` (etcd members, API servers,
// nodes) to rehearse faults, through its control socket in the data dir.

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SandboxControlClient, controlSocketPath } from "../sandbox/control/sandbox-control-client.js";
import type { PartStatus } from "../sandbox/control/sandbox-part.js";
import { parseStopSignal } from "../sandbox/control/sandbox-part.js";

const help = `Stop and start parts of a running 'svcnet up' to rehearse faults.

Usage:
  svcnet sandbox parts [--data-dir dir]                      list etcd members, API servers and nodes
  svcnet sandbox stop NAME [--signal TERM|KILL|STOP] [--data-dir dir]
  svcnet sandbox start NAME [--data-dir dir]

Stopping an etcd member or an API server sends it the signal (default TERM, a clean stop; KILL is
a crash; STOP freezes it: it keeps its connections and answers nothing); start runs it again on
its data (or, when frozen, lets it carry on). Stopping a node drops it off the network: its link goes
down and its agent stops as after a crash, leaving its pods running; start plugs it back in and a
new agent adopts them.

Flags:
  --data-dir dir   the data dir of that 'svcnet up' (default "./.svcnet")
  --signal s       with stop: TERM (default), KILL or STOP`;

/** The parts as a table, kubectl-style: NAME KIND STATUS PID SINCE DETAIL. */
export function partsTable(parts: readonly PartStatus[]): string {
  const rows = [["NAME", "KIND", "STATUS", "PID", "SINCE", "DETAIL"]];
  for (const p of parts) {
    const status = !p.running ? "Stopped" : p.frozen ? "Frozen" : p.ready ? "Running" : "NotReady";
    rows.push([p.name, p.kind, status, p.pid === undefined ? "<none>" : String(p.pid), p.since.replace(/\.\d+Z$/, "Z"), p.detail]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join("")).join("\n");
}

export async function runSandbox(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { "data-dir": { type: "string", default: "./.svcnet" }, signal: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet sandbox --help' for usage.`);
    return 1;
  }
  const { values, positionals } = parsed;
  const [verb, name, ...extra] = positionals;
  if (values.help || verb === undefined) {
    console.log(help);
    return values.help ? 0 : 1;
  }
  const fail = (message: string): number => {
    console.error(`error: ${message}`);
    return 1;
  };
  if (!["parts", "stop", "start"].includes(verb)) return fail(`unknown sandbox command ${JSON.stringify(verb)}: use parts, stop or start`);
  if (verb === "parts" ? name !== undefined : name === undefined || extra.length > 0) {
    return fail(verb === "parts" ? "sandbox parts takes no arguments" : `say which part: svcnet sandbox ${verb} NAME (see svcnet sandbox parts)`);
  }
  if (values.signal !== undefined && verb !== "stop") return fail("--signal goes with stop");
  const signal = parseStopSignal(values.signal ?? "TERM");
  if (!signal) return fail(`--signal ${values.signal}: use TERM (a clean stop), KILL (a crash) or STOP (a freeze)`);
  const client = new SandboxControlClient(controlSocketPath(resolve(values["data-dir"])));
  try {
    if (verb === "parts") {
      console.log(partsTable(await client.parts()));
    } else {
      const part = verb === "stop" ? await client.stop(name, signal) : await client.start(name);
      console.log(`${part.kind} ${part.name} ${verb === "start" ? "started" : part.frozen ? "frozen" : "stopped"}`);
    }
    return 0;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}
