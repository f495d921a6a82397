// `node netexec.js [--http-port N] [--udp-port N] [--address A]`: the svcnet/netexec image.

import { pathToFileURL } from "node:url";

import { startNetexec } from "./netexec-server.js";

/** Parsed command line of the netexec script. */
export interface NetexecFlags {
  httpPort: number;
  udpPort: number;
  address: string;
}

/** Parses `--flag=value` or `--flag value`; throws on unknown flags or bad ports. */
export function parseNetexecFlags(argv: string[]): NetexecFlags {
  const flags: NetexecFlags = { httpPort: 8080, udpPort: 8081, address: "0.0.0.0" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (name !== "--http-port" && name !== "--udp-port" && name !== "--address") throw new Error(`unknown flag: ${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`flag needs an argument: ${name}`);
    if (name === "--http-port") flags.httpPort = port(name, value);
    else if (name === "--udp-port") flags.udpPort = port(name, value);
    else flags.address = value;
  }
  return flags;
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`invalid value "${value}" for ${name}: not a port`);
  return n;
}

async function main(): Promise<void> {
  let flags: NetexecFlags;
  try {
    flags = parseNetexecFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`netexec: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const server = await startNetexec({
    ...flags,
    onExit: (code) => {
      process.stdout.write(`Exiting with code ${code}\n`);
      process.exit(code);
    },
  });
  process.stdout.write(`Started HTTP server on port ${server.httpPort}\n`);
  process.stdout.write(`Started UDP server on port ${server.udpPort}\n`);
  const stop = (signal: string): void => {
    process.stdout.write(`Received ${signal}, shutting down\n`);
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`netexec: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
