// The informer handlers the endpoints and EndpointSlice controllers share: a service's key is
// queued when the service changes, and the keys of the services selecting a pod when the pod
// changes in a way endpoints are built from (with a label change, before and after).

import type { Pod, Service } from "../../api/types.js";
import type { Informer, WorkQueue } from "../../client/index.js";
import { keyOf, objectOf } from "../../client/index.js";
import { podChange, serviceKeysForPods } from "./pod-changes.js";

/** Registers the handlers; returns the function that queues the services selecting some pods. */
export function queueServicesOnChanges(services: Informer<Service>, pods: Informer<Pod>, queue: WorkQueue<string>): (...states: Pod[]) => void {
  const enqueuePods = (...states: Pod[]): void => {
    for (const key of serviceKeysForPods(services.lister.list(states[0].metadata.namespace), states)) queue.add(key);
  };
  services.addEventHandler({
    onAdd: (s) => queue.add(keyOf(s)),
    onUpdate: (_old, s) => queue.add(keyOf(s)),
    onDelete: (s) => queue.add(keyOf(s)),
  });
  pods.addEventHandler({
    onAdd: (p) => enqueuePods(p),
    onUpdate: (old, p) => {
      const change = podChange(old, p);
      if (change.labels) enqueuePods(old, p);
      else if (change.endpoints) enqueuePods(p);
    },
    onDelete: (p) => enqueuePods(objectOf(p)),
  });
  return enqueuePods;
}
