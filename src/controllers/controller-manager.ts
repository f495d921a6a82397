// Runs a set of controllers over one transport, like kube-controller-manager: one shared
// informer factory, one event recorder per component, and `--controllers` selection
// ("*" for all, "-name" to turn one off, "name" to turn one on).

import { setMaxListeners } from "node:events";
import { findResource } from "../api/resources.js";
import type { Event, KubeObject } from "../api/types.js";
import type { Clock, Transport } from "../client/index.js";
import { EventRecorder, KubeClient, SharedInformerFactory, realClock } from "../client/index.js";
import type { Controller, ControllerContext, ControllerSettings } from "./controller-context.js";
import { defaultControllerSettings } from "./controller-context.js";

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

/** Starts the enabled controllers; resolves when all have stopped (after signal aborts). */
export async function runControllerManager(o: ControllerManagerOptions): Promise<void> {
  // Every controller, informer and in-flight request listens on the one stop signal.
  setMaxListeners(0, o.signal);
  const factory = new SharedInformerFactory(o.transport, { fieldManager: o.fieldManager ?? "kube-controller-manager" });
  const eventsResource = findResource("", "v1", "events");
  if (!eventsResource) throw new Error("events must be served");
  const clock = o.clock ?? realClock;
  const recorders = new Map<string, EventRecorder>();
  const ctx: ControllerContext = {
    factory,
    client: <T extends KubeObject>(r: Parameters<ControllerContext["client"]>[0]) => factory.client(r).as<T>(),
    recorder(component) {
      let rec = recorders.get(component);
      if (!rec) {
        rec = new EventRecorder(new KubeClient<Event>(o.transport, eventsResource, { fieldManager: component }), { component, clock });
        recorders.set(component, rec);
      }
      return rec;
    },
    clock,
    settings: { ...defaultControllerSettings, ...o.settings },
    signal: o.signal,
  };
  const selection = o.enabled ?? ["*"];
  const running = o.controllers.filter((c) => isEnabled(c.name, selection)).map((c) => c.run(ctx));
  factory.start(o.signal);
  await Promise.all(running);
}
