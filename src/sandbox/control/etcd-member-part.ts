// An etcd member of the sandbox's cluster as a SandboxPart: stop is SIGTERM or SIGKILL of its
// process, start runs it again on its data dir (it rejoins and catches up), ready is
// `etcdctl endpoint health` answering from inside its machine (which needs a quorum).

import type { EtcdCluster } from "../control-plane/etcd-cluster.js";
import type { PartStatus, SandboxPart, StopSignal } from "./sandbox-part.js";

export class EtcdMemberPart implements SandboxPart {
  readonly kind = "etcd" as const;
  #since = new Date();
  #lastStop = "";
  #frozen = false;

  constructor(
    readonly name: string,
    readonly cluster: EtcdCluster,
  ) {
    cluster.member(name);
  }

  async status(): Promise<PartStatus> {
    const member = this.cluster.member(this.name);
    const running = this.cluster.running(this.name);
    const ready = running && !this.#frozen && (await this.cluster.etcdctl(this.name, ["endpoint", "health"], 1000).catch(() => ({ code: 1 }))).code === 0;
    return {
      name: this.name,
      kind: this.kind,
      running,
      frozen: running && this.#frozen,
      ready,
      pid: running ? this.cluster.pid(this.name) : undefined,
      since: this.#since.toISOString(),
      detail: `${member.clientUrl} in ${member.machine.netns}${!running && this.#lastStop ? `; ${this.#lastStop}` : ""}`,
    };
  }

  async stop(signal: StopSignal): Promise<void> {
    if (!this.cluster.running(this.name)) return;
    const pid = this.cluster.pid(this.name);
    if (signal === "SIGSTOP") {
      if (pid !== undefined) process.kill(pid, "SIGSTOP");
      this.#frozen = true;
      this.#since = new Date();
      return;
    }
    if (this.#frozen && pid !== undefined) process.kill(pid, "SIGCONT");
    this.#frozen = false;
    await this.cluster.stopMember(this.name, signal);
    this.#since = new Date();
    this.#lastStop = `stopped with ${signal}`;
  }

  async start(): Promise<void> {
    if (this.cluster.running(this.name)) {
      const pid = this.cluster.pid(this.name);
      if (this.#frozen && pid !== undefined) process.kill(pid, "SIGCONT");
      this.#frozen = false;
      return;
    }
    await this.cluster.startMember(this.name);
    this.#since = new Date();
  }
}
