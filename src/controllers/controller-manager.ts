// Runs a set of controllers over one transport, like kube-controller-manager: one shared
// informer factory, one event recorder per component, and `--controllers` selection
// ("*" for all, "-name" to turn one off, "name" to turn one on). With leader election (as
// kube-controller-manager's --leader-elect) the controllers run only while this manager holds
// the Lease kube-system/kube-controller-manager, so of several replicas exactly one acts.

import { setMaxListeners } from "node:events";
import { findResource } from "../api/resources.js";
import type { Event, KubeObject, Lease } from "../api/types.js";
import type { Clock, Transport } from "../client/index.js";
import { EventRecorder, KubeClient, SharedInformerFactory, realClock } from "../client/index.js";
import type { Controller, ControllerContext, ControllerSettings } from "./controller-context.js";
import { defaultControllerSettings } from "./controller-context.js";
import type { LeaderCallbacks } from "./leader-election/leader-elector.js";
import { LeaderElector } from "./leader-election/leader-elector.js";
import type { LeaderElectionConfig } from "./leader-election/leader-election-config.js";
import { leaderElectionConfig } from "./leader-election/leader-election-config.js";

export interface ControllerManagerOptions {
  transport: Transport;
  controllers: readonly Controller[];
  /** kube-controller-manager style selection, e.g. ["*", "-deployment"]; default ["*"]. */
  enabled?: readonly string[];
  settings?: Partial<ControllerSettings>;
  clock?: Clock;
  signal: AbortSignal;
  /** Informer relist/watch tuning for tests. */
  fieldManager?: string;
  /**
   * Run the controllers only while holding a Lease (defaults: kube-system/kube-controller-manager,
   * 15 s / 10 s / 2 s, identity "<hostname>_<uuid>"); leadership lost stops them and the manager
   * tries to acquire again. Absent: the controllers run from the start (a single replica).
   */
  leaderElection?: Partial<LeaderElectionConfig> & Pick<LeaderCallbacks, "onNewLeader">;
}

/** Applies kube-controller-manager's --controllers rules to a controller name. */
export function isEnabled(name: string, selection: readonly string[]): boolean {
  if (selection.includes(`-${name}`)) return false;
  if (selection.includes(name)) return true;
  return selection.includes("*");
}

/** Parses `--controllers` ("*,-deployment") and checks every name is known. */
export function parseControllerSelection(flag: string, known: readonly string[]): string[] {
  const parts = flag.split(",").map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    const name = p.startsWith("-") ? p.slice(1) : p;
    if (name !== "*" && !known.includes(name)) {
      throw new Error(`--controllers: unknown controller "${name}"; known: ${known.join(", ")}`);
    }
  }
  return parts;
}

function eventRecorder(o: ControllerManagerOptions, component: string, clock: Clock): EventRecorder {
  const eventsResource = findResource("", "v1", "events");
  if (!eventsResource) throw new Error("events must be served");
  return new EventRecorder(new KubeClient<Event>(o.transport, eventsResource, { fieldManager: component }), { component, clock });
}

/**
 * Starts the enabled controllers (while leading, with leader election); resolves when all have
 * stopped after `signal` aborts (and the Lease, if held, has been released).
 */
export async function runControllerManager(o: ControllerManagerOptions): Promise<void> {
  setMaxListeners(0, o.signal);
  if (!o.leaderElection) return runControllers(o, o.signal);
  const leases = findResource("coordination.k8s.io", "v1", "leases");
  if (!leases) throw new Error("leases must be served");
  const clock = o.clock ?? realClock;
  const { onNewLeader, ...config } = o.leaderElection;
  const elector = new LeaderElector({
    leases: new KubeClient<Lease>(o.transport, leases, { fieldManager: "kube-controller-manager" }),
    config: leaderElectionConfig(config),
    clock,
    recorder: eventRecorder(o, "kube-controller-manager", clock),
  });
  await elector.run(o.signal, { onStartedLeading: (leading) => runControllers(o, leading), onNewLeader });
}

/** The controllers themselves, stopping when `signal` aborts. */
async function runControllers(o: ControllerManagerOptions, signal: AbortSignal): Promise<void> {
  // Every controller, informer and in-flight request listens on the one stop signal.
  setMaxListeners(0, signal);
  const factory = new SharedInformerFactory(o.transport, { fieldManager: o.fieldManager ?? "kube-controller-manager" });
  const clock = o.clock ?? realClock;
  const recorders = new Map<string, EventRecorder>();
  const ctx: ControllerContext = {
    factory,
    client: <T extends KubeObject>(r: Parameters<ControllerContext["client"]>[0]) => factory.client(r).as<T>(),
    recorder(component) {
      let rec = recorders.get(component);
      if (!rec) {
        rec = eventRecorder(o, component, clock);
        recorders.set(component, rec);
      }
      return rec;
    },
    clock,
    settings: { ...defaultControllerSettings, ...o.settings },
    signal,
  };
  const selection = o.enabled ?? ["*"];
  const running = o.controllers.filter((c) => isEnabled(c.name, selection)).map((c) => c.run(ctx));
  factory.start(signal);
  await Promise.all(running);
}
