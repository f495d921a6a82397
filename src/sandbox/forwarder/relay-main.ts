// Entry point of the relay process, started inside a sandbox namespace by startRelay:
//   node relay-main.js --socket <path> --allow 172.17.8.0/24 [--allow …]
// Prints "ready" on stdout once it listens. It lives exactly as long as its stdin: the parent
// holds the write end of that pipe, so when the parent exits, or closes it on purpose, the relay
// reads end-of-file and goes too. A relay can therefore never outlive `svcnet up`.

import { parseArgs } from "node:util";
import { RELAY_READY_LINE, RelayServer } from "./relay-server.js";

async function main(): Promise<number> {
  let socketPath: string;
  let allow: string[];
  try {
    const { values } = parseArgs({
      options: { socket: { type: "string" }, allow: { type: "string", multiple: true } },
      strict: true,
    });
    if (!values.socket || !values.allow || values.allow.length === 0) throw new Error("--socket and at least one --allow are required");
    socketPath = values.socket;
    allow = values.allow;
  } catch (error) {
    console.error(`relay: ${error instanceof Error ? error.message : String(error)}`);
    console.error("usage: relay-main.js --socket <path> --allow <ipv4 cidr> [--allow <ipv4 cidr>…]");
    return 2;
  }

  const relay = new RelayServer({ socketPath, allow, log: (line) => console.error(line) });
  await relay.listen();

  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  for (const event of ["end", "close", "error"]) process.stdin.on(event, () => requestStop());
  process.once("SIGTERM", () => requestStop());
  process.once("SIGINT", () => requestStop());
  // Reading stdin is what notices the parent going away; the bytes themselves mean nothing.
  process.stdin.resume();

  process.stdout.write(`${RELAY_READY_LINE}\n`);
  await stopRequested;
  await relay.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`relay: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
