// Entry point of the dial helper, started by the agent inside a pod's network namespace:
//   ip netns exec <pod netns> node pod-dial-main.js --socket <path>
// Prints "ready" once it listens and lives as long as its stdin (see child-lifetime.ts), so it
// never outlives the port-forward session, or the agent, that started it.

import { parseArgs } from "node:util";
import { exitWith, serveUntilParentGoes } from "../../sandbox/forwarder/child-lifetime.js";
import { RELAY_READY_LINE } from "../../sandbox/forwarder/relay-server.js";
import { PodDialServer } from "./pod-dial-server.js";

async function main(): Promise<number> {
  let socketPath: string;
  try {
    const { values } = parseArgs({ options: { socket: { type: "string" } }, strict: true });
    if (!values.socket) throw new Error("--socket is required");
    socketPath = values.socket;
  } catch (error) {
    console.error(`pod-dial: ${error instanceof Error ? error.message : String(error)}`);
    console.error("usage: pod-dial-main.js --socket <path>");
    return 2;
  }
  const server = new PodDialServer({ socketPath });
  await server.listen();
  await serveUntilParentGoes(RELAY_READY_LINE, () => server.close());
  return 0;
}

exitWith("pod-dial", main);
