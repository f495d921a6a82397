// Connections into a pod's network namespace from the agent, for port forwarding. Node cannot
// switch a socket's namespace, so a dial helper (pod-dial-main.js) runs inside the namespace,
// started on the first dial with `ip netns exec`, and makes the TCP connections there; the
// agent reaches it over a unix socket in a private directory (a filesystem object, so no packet
// leaves the root namespace). close() stops the helper and removes the directory.

import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHelperProcess } from "../../sandbox/forwarder/relay-process.js";
import { answers } from "../../sandbox/forwarder/relay-server.js";
import { dialFailureCause, formatDialRequest, parseDialAnswer, splitFirstLine } from "./pod-dial-protocol.js";

export interface PodDialerOptions {
  /** The pod's network namespace (an `ip netns` name). */
  netns: string;
  /** How messages name the pod's sandbox, e.g. `nginx_default`. */
  sandbox: string;
  /** The Node binary run inside the namespace; default this process's. */
  nodePath?: string;
  /** The helper's entry script; default pod-dial-main.js beside this module (in dist/). */
  script?: string;
  /** The iproute2 program; default "ip". */
  ipProgram?: string;
  /** Give up when the helper is not ready after this long; default 10 000 ms. */
  readyTimeoutMs?: number;
}

interface Helper {
  socketPath: string;
  stop(): Promise<void>;
}

const DEFAULT_SCRIPT = fileURLToPath(new URL("./pod-dial-main.js", import.meta.url));

/** Reads the helper's answer line; resolves with the socket ready for the pod's bytes. */
function awaitAnswer(socket: Socket, o: { port: number; netns: string; sandbox: string }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const fail = (message: string): void => {
      socket.destroy();
      reject(new Error(message));
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      let split;
      try {
        split = splitFirstLine(received);
      } catch (e) {
        fail(`the dial helper of ${o.sandbox} answered with no line: ${(e as Error).message}`);
        return;
      }
      if (!split) return;
      socket.off("data", onData);
      socket.off("end", onEnd);
      const answer = parseDialAnswer(split.line);
      if (!answer) {
        fail(`the dial helper of ${o.sandbox} answered ${JSON.stringify(split.line)}`);
      } else if (!answer.ok) {
        fail(dialFailureCause({ ...o, ipv4: answer.ipv4, ipv6: answer.ipv6 }));
      } else {
        socket.pause();
        if (split.rest.length > 0) socket.unshift(split.rest);
        resolve(socket);
      }
    };
    const onEnd = (): void => fail(`the dial helper of ${o.sandbox} closed the connection without an answer`);
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("error", (e) => fail(`cannot reach the dial helper of ${o.sandbox}: ${e.message}`));
  });
}

export class PodDialer {
  readonly #o: PodDialerOptions;
  #helper: Promise<Helper> | undefined;
  #closed = false;

  constructor(o: PodDialerOptions) {
    this.#o = o;
  }

  /**
   * A connection to localhost:`port` inside the pod (half-close passes through). Rejects with the
   * kubelet's cause text when nothing listens there or the namespace cannot be entered.
   */
  async dial(port: number): Promise<Socket> {
    if (this.#closed) throw new Error("the port-forward session is over");
    const helper = await this.#start();
    const socket = connect({ path: helper.socketPath, allowHalfOpen: true });
    socket.write(formatDialRequest(port));
    return awaitAnswer(socket, { port, netns: this.#o.netns, sandbox: this.#o.sandbox });
  }

  /** Stops the helper (if it was started) and removes its socket directory. */
  async close(): Promise<void> {
    this.#closed = true;
    const helper = await this.#helper?.catch(() => undefined);
    await helper?.stop();
  }

  #start(): Promise<Helper> {
    this.#helper ??= this.#launch().catch((e: unknown) => {
      // A failed start is reported to this dial; the next one tries again.
      this.#helper = undefined;
      throw new Error(`failed to execute portforward in network namespace "/var/run/netns/${this.#o.netns}": ${e instanceof Error ? e.message : String(e)}`);
    });
    return this.#helper;
  }

  async #launch(): Promise<Helper> {
    const dir = await mkdtemp(join(tmpdir(), "svcnet-pf-"));
    const socketPath = join(dir, "dial.sock");
    const args = ["netns", "exec", this.#o.netns, this.#o.nodePath ?? process.execPath, this.#o.script ?? DEFAULT_SCRIPT, "--socket", socketPath];
    try {
      const helper = await startHelperProcess({
        program: this.#o.ipProgram ?? "ip",
        args,
        what: "port-forward dial helper",
        readyTimeoutMs: this.#o.readyTimeoutMs,
        answering: () => answers(socketPath),
        notAnswering: `nothing answers on ${socketPath}`,
        afterStop: () => rm(dir, { recursive: true, force: true }),
      });
      if (this.#closed) {
        await helper.stop();
        throw new Error("the port-forward session is over");
      }
      return { socketPath, stop: () => helper.stop() };
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }
}
