// A sandbox node as a SandboxPart. Stopping it is a machine dropping off the network: its agent
// stops as after a crash (the pods keep running, as they would on a machine cut off) and its
// link to the underlay goes down, so neither the control plane nor clients reach it. Starting it
// plugs the link back in and runs a new agent, which adopts the pods still running.

import { setMaxListeners } from "node:events";
import type { IpRunner } from "../ip-runner.js";
import type { NodePlan } from "../topology-plan.js";
import type { PartStatus, SandboxPart, StopSignal } from "./sandbox-part.js";

/** Runs the node's agent until `signal` aborts; stopPodsOnExit is asked when it stops. */
export type RunNodeAgent = (signal: AbortSignal, stopPodsOnExit: () => boolean) => Promise<void>;

export interface NodePartOptions {
  node: NodePlan;
  /** The underlay namespace, where the node's link (node.underlayPeer) sits on br0. */
  underlayNetns: string;
  runner: IpRunner;
  runAgent: RunNodeAgent;
  /** Aborting it stops the agent for good, stopping its pods (svcnet up's Ctrl-C). */
  signal: AbortSignal;
  log?: (line: string) => void;
}

export class NodePart implements SandboxPart {
  readonly kind = "node" as const;
  readonly #o: NodePartOptions;
  #stop: AbortController | undefined;
  #run: Promise<void> | undefined;
  #crash = false;
  #unplugged = false;
  #since = new Date();

  constructor(o: NodePartOptions) {
    this.#o = o;
  }

  get name(): string {
    return this.#o.node.name;
  }

  /** Starts the first agent (the link is up already). */
  launch(): void {
    const stop = new AbortController();
    this.#stop = stop;
    this.#crash = false;
    const signal = AbortSignal.any([this.#o.signal, stop.signal]);
    // The agent's informers, proxy and speaker each listen on it: many listeners is the normal case.
    setMaxListeners(0, signal);
    this.#run = this.#o.runAgent(signal, () => !this.#crash).catch((e: unknown) => {
      this.#o.log?.(`the agent of node ${this.name} stopped: ${e instanceof Error ? e.message : String(e)}`);
    });
    this.#since = new Date();
  }

  /** Settles once the current agent has stopped (after svcnet up's signal aborts). */
  async settled(): Promise<void> {
    for (let run = this.#run; run; ) {
      await run;
      if (run === this.#run) return;
      run = this.#run;
    }
  }

  async status(): Promise<PartStatus> {
    const running = !this.#unplugged && this.#stop !== undefined && !this.#stop.signal.aborted;
    return {
      name: this.name,
      kind: this.kind,
      running,
      ready: running,
      since: this.#since.toISOString(),
      detail: `${this.#o.node.ip} in ${this.#o.node.netns}${this.#unplugged ? "; unplugged, agent stopped, pods left running" : ""}`,
    };
  }

  async stop(signal: StopSignal): Promise<void> {
    if (signal === "SIGSTOP") throw new Error(`node ${this.name} cannot be frozen: stop it (TERM or KILL) to drop it off the network`);
    if (this.#unplugged) return;
    this.#crash = true;
    this.#stop?.abort();
    await this.#run;
    await this.#link("down");
    this.#unplugged = true;
    this.#since = new Date();
  }

  async start(): Promise<void> {
    if (!this.#unplugged) return;
    if (this.#o.signal.aborted) throw new Error("svcnet up is stopping");
    await this.#link("up");
    this.#unplugged = false;
    this.launch();
  }

  #link(state: "up" | "down"): Promise<string> {
    return this.#o.runner.ip(["-n", this.#o.underlayNetns, "link", "set", this.#o.node.underlayPeer, state]);
  }
}
