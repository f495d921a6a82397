// An API server replica as a SandboxPart: stop is SIGTERM (it withdraws from the `kubernetes`
// Endpoints and ends) or SIGKILL (a crash), start runs `svcnet server` again on its machine with
// the same data dir and resolves once it listens.

import type { ServerReplicaPlan, ServerReplicaProcess } from "../control-plane/server-replica.js";
import { startServerReplica } from "../control-plane/server-replica.js";
import type { PartStatus, SandboxPart, StopSignal } from "./sandbox-part.js";

export class ServerReplicaPart implements SandboxPart {
  readonly kind = "apiserver" as const;
  #replica: ServerReplicaProcess | undefined;
  #since = new Date();
  #lastExit = "";
  #frozen = false;
  readonly #onStart: (replica: ServerReplicaProcess) => void;

  /** `onStart` is told of every process started, the first included (to log, to watch its exit). */
  constructor(
    readonly plan: ServerReplicaPlan,
    onStart: (replica: ServerReplicaProcess) => void = () => undefined,
  ) {
    this.#onStart = onStart;
  }

  get name(): string {
    return this.plan.name;
  }

  /** The running process, if any. */
  get replica(): ServerReplicaProcess | undefined {
    return this.#replica?.running() ? this.#replica : undefined;
  }

  async status(): Promise<PartStatus> {
    const running = this.replica !== undefined;
    return {
      name: this.name,
      kind: this.kind,
      running,
      frozen: running && this.#frozen,
      ready: running && !this.#frozen,
      pid: this.replica?.pid,
      since: this.#since.toISOString(),
      detail: `https://${this.plan.address.ip}:${this.plan.address.port} in ${this.plan.machine.netns}${running || !this.#lastExit ? "" : `; ${this.#lastExit}`}`,
    };
  }

  async start(): Promise<void> {
    if (this.replica) {
      if (this.#frozen && this.replica.pid !== undefined) process.kill(this.replica.pid, "SIGCONT");
      this.#frozen = false;
      return;
    }
    const replica = await startServerReplica(this.plan);
    this.#replica = replica;
    this.#since = new Date();
    void replica.exited.then(({ code, signal }) => {
      if (this.#replica !== replica) return;
      this.#since = new Date();
      this.#lastExit = `exited (${signal ?? `code ${String(code)}`})`;
    });
    this.#onStart(replica);
  }

  async stop(signal: StopSignal): Promise<void> {
    const replica = this.replica;
    if (!replica) return;
    if (signal === "SIGSTOP") {
      if (replica.pid !== undefined) process.kill(replica.pid, "SIGSTOP");
      this.#frozen = true;
      this.#since = new Date();
      return;
    }
    // A frozen process must run again to act on TERM.
    if (this.#frozen && replica.pid !== undefined) process.kill(replica.pid, "SIGCONT");
    this.#frozen = false;
    await replica.stop(signal);
  }
}
