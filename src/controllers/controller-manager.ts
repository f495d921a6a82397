// Runs a set of controllers, like kube-controller-manager: one shared informer factory, an
// event recorder per controller and component, and `--controllers` selection
// ("*" for all, "-name" to turn one off, "name" to turn one on). With leader election (as
// kube-controller-manager's --leader-elect) the controllers run only while this manager holds
// the Lease kube-system/kube-controller-manager, so of several replicas exactly one acts. With
// `controllerTransport` (as --use-service-account-credentials) each controller's clients and
// Events go out under its own identity (controller-identities.ts), whose service account the
// manager creates in kube-system first, as kube's client builder does; the informers stay shared.

import { setMaxListeners } from "node:events";
import { findResource } from "../api/resources.js";
import type { Event, KubeObject, Lease, ServiceAccount } from "../api/types.js";
import type { Clock, Transport } from "../client/index.js";
import { EventRecorder, KubeClient, SharedInformerFactory, isAlreadyExists, realClock } from "../client/index.js";
import type { Controller, ControllerContext, ControllerSettings } from "./controller-context.js";
import { defaultControllerSettings } from "./controller-context.js";
import type { ControllerIdentity } from "./controller-identities.js";
import { CONTROLLER_ACCOUNTS_NAMESPACE, controllerIdentity, controllerServiceAccounts } from "./controller-identities.js";
import type { LeaderCallbacks } from "./leader-election/leader-elector.js";
import { LeaderElector } from "./leader-election/leader-elector.js";
import type { LeaderElectionConfig } from "./leader-election/leader-election-config.js";
import { leaderElectionConfig } from "./leader-election/leader-election-config.js";

export interface ControllerManagerOptions {
  /** The controller manager's own: shared informers, leader election, creating the service accounts. */
  transport: Transport;
  /**
   * The transport a controller's clients and event recorders use, authenticating as `identity`
   * (controllerIdentity of its name). Every controller given must have an identity, or the
   * manager refuses to start. Absent: every controller uses `transport`.
   */
  controllerTransport?: (identity: ControllerIdentity) => Transport;
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

function eventRecorder(transport: Transport, component: string, clock: Clock): EventRecorder {
  const eventsResource = findResource("", "v1", "events");
  if (!eventsResource) throw new Error("events must be served");
  return new EventRecorder(new KubeClient<Event>(transport, eventsResource, { fieldManager: component }), { component, clock });
}

/**
 * Starts the enabled controllers (while leading, with leader election); resolves when all have
 * stopped after `signal` aborts (and the Lease, if held, has been released).
 */
export async function runControllerManager(o: ControllerManagerOptions): Promise<void> {
  setMaxListeners(0, o.signal);
  // Before anything runs: a controller nobody gave an identity must not borrow the manager's.
  if (o.controllerTransport) for (const c of o.controllers) controllerIdentity(c.name);
  if (!o.leaderElection) return runControllers(o, o.signal);
  const leases = findResource("coordination.k8s.io", "v1", "leases");
  if (!leases) throw new Error("leases must be served");
  const clock = o.clock ?? realClock;
  const { onNewLeader, ...config } = o.leaderElection;
  const elector = new LeaderElector({
    leases: new KubeClient<Lease>(o.transport, leases, { fieldManager: "kube-controller-manager" }),
    config: leaderElectionConfig(config),
    clock,
    recorder: eventRecorder(o.transport, "kube-controller-manager", clock),
  });
  await elector.run(o.signal, { onStartedLeading: (leading) => runControllers(o, leading), onNewLeader });
}

/**
 * Creates the service accounts the controllers act as, where missing. A failure is reported,
 * not fatal: the in-process credentials do not depend on the objects, which are there so that
 * RBAC bindings and `kubectl get sa -n kube-system` name something real.
 */
async function ensureServiceAccounts(o: ControllerManagerOptions, controllers: readonly Controller[], signal: AbortSignal): Promise<void> {
  const resource = findResource("", "v1", "serviceaccounts");
  if (!resource) throw new Error("serviceaccounts must be served");
  const client = new KubeClient<ServiceAccount>(o.transport, resource, { fieldManager: o.fieldManager ?? "kube-controller-manager" });
  for (const name of controllerServiceAccounts(controllers.map((c) => c.name))) {
    try {
      await client.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: CONTROLLER_ACCOUNTS_NAMESPACE } }, { signal });
    } catch (e) {
      if (signal.aborted) return;
      if (!isAlreadyExists(e)) console.error(`svcnet: controller manager: creating service account ${CONTROLLER_ACCOUNTS_NAMESPACE}/${name}:`, e instanceof Error ? e.message : e);
    }
  }
}

/** The controllers themselves, stopping when `signal` aborts. */
async function runControllers(o: ControllerManagerOptions, signal: AbortSignal): Promise<void> {
  // Every controller, informer and in-flight request listens on the one stop signal.
  setMaxListeners(0, signal);
  const fieldManager = o.fieldManager ?? "kube-controller-manager";
  const factory = new SharedInformerFactory(o.transport, { fieldManager });
  const clock = o.clock ?? realClock;
  const settings = { ...defaultControllerSettings, ...o.settings };
  const selection = o.enabled ?? ["*"];
  const enabled = o.controllers.filter((c) => isEnabled(c.name, selection));
  if (o.controllerTransport) await ensureServiceAccounts(o, enabled, signal);
  // Each controller gets clients and recorders on its own transport; the informers are shared.
  const contextFor = (c: Controller): ControllerContext => {
    const transport = o.controllerTransport ? o.controllerTransport(controllerIdentity(c.name)) : o.transport;
    const recorders = new Map<string, EventRecorder>();
    return {
      factory,
      client: <T extends KubeObject>(r: Parameters<ControllerContext["client"]>[0]) => new KubeClient<T>(transport, r, { fieldManager }),
      recorder(component) {
        let rec = recorders.get(component);
        if (!rec) {
          rec = eventRecorder(transport, component, clock);
          recorders.set(component, rec);
        }
        return rec;
      },
      clock,
      settings,
      signal,
    };
  };
  const running = enabled.map((c) => c.run(contextFor(c)));
  factory.start(signal);
  await Promise.all(running);
}
