// `svcnet down`: removes sandbox namespaces a crashed `svcnet up` (or test) left behind —
// those of one sandbox with --id, or every svcnet-* namespace.

import { parseArgs } from "node:util";
import { destroyByPrefix } from "../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";

export async function runDown(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { id: { type: "string" } }, strict: true }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nUsage: svcnet down [--id ID]`);
    return 1;
  }
  try {
    const removed = await destroyByPrefix(new ExecIpRunner(), values.id ? { id: values.id } : {});
    console.log(removed.length ? `removed ${removed.length} namespace(s): ${removed.join(" ")}` : "nothing to remove");
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
