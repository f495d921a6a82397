// Socket, process and assertion helpers shared by this directory's tests. Loopback only.

import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

/** Listens on 127.0.0.1 (any free port by default) and resolves with the port bound. */
export async function listenLoopback(server: Server, port = 0): Promise<number> {
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listenLoopback(s);
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** The error code of a connection to 127.0.0.1:port that is expected to fail (ECONNREFUSED, …). */
export async function connectError(port: number): Promise<string | undefined> {
  const socket = connect({ host: "127.0.0.1", port });
  const [error] = (await once(socket, "error")) as [NodeJS.ErrnoException];
  return error.code;
}

/** A server answering `<name>:<what the client sent>` after the client's end. */
export function namedEcho(name: string): Server {
  return createServer({ allowHalfOpen: true }, (s: Socket) => {
    const got: Buffer[] = [];
    s.on("data", (c: Buffer) => got.push(c));
    s.on("end", () => s.end(`${name}:${Buffer.concat(got).toString()}`));
    s.on("error", () => undefined);
  });
}

/** Whether process `pid` still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` every 10 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A validator for assert.throws / assert.rejects: the error is a `type` with this `code` and,
 * when given, a message matching `message`.
 */
export function failsWithCode<Code extends string>(
  type: abstract new (...args: never[]) => Error & { code: Code },
  code: Code,
  message?: RegExp,
): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof type, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}
