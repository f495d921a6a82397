// Keeps a ClusterIndex current from the API: watches of namespaces, services, EndpointSlices
// and (for `pods verified`) pods, each event applied to the index as it arrives, so a change is
// answerable as soon as the watch delivers it. `synced()` turns true once every watch has
// delivered its first list.

import { requireResource } from "../../api/resources.js";
import type { EndpointSlice, KubeObject, Namespace, Pod, Service } from "../../api/types.js";
import type { Transport } from "../../client/index.js";
import { Informer, KubeClient, objectOf } from "../../client/index.js";
import type { ClusterIndex } from "../zone/cluster-index.js";

export interface ClusterWatch {
  synced(): boolean;
  /** Resolves when every watch has synced (or the signal aborts). */
  whenSynced: Promise<void>;
  /** Resolves when the watches have stopped (the signal aborted). */
  done: Promise<void>;
}

export function watchCluster(o: { transport: Transport; index: ClusterIndex; pods: boolean; signal: AbortSignal }): ClusterWatch {
  const { transport, index, signal } = o;
  const informer = <T extends KubeObject>(group: string, version: string, resource: string): Informer<T> =>
    new Informer<T>(new KubeClient<T>(transport, requireResource(group, version, resource)));
  const namespaces = informer<Namespace>("", "v1", "namespaces");
  namespaces.addEventHandler({
    onAdd: (n) => index.setNamespace(n),
    onUpdate: (_o, n) => index.setNamespace(n),
    onDelete: (d) => index.deleteNamespace(objectOf(d).metadata.name ?? ""),
  });
  const services = informer<Service>("", "v1", "services");
  services.addEventHandler({
    onAdd: (s) => index.setService(s),
    onUpdate: (_o, s) => index.setService(s),
    onDelete: (d) => index.deleteService(objectOf(d).metadata.namespace ?? "", objectOf(d).metadata.name ?? ""),
  });
  const slices = informer<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices");
  slices.addEventHandler({
    onAdd: (s) => index.setSlice(s),
    onUpdate: (_o, s) => index.setSlice(s),
    onDelete: (d) => index.deleteSlice(objectOf(d).metadata.namespace ?? "", objectOf(d).metadata.name ?? ""),
  });
  const all: { run(signal: AbortSignal): Promise<void>; hasSynced(): boolean }[] = [namespaces, services, slices];
  if (o.pods) {
    const pods = informer<Pod>("", "v1", "pods");
    pods.addEventHandler({
      onAdd: (p) => index.setPod(p),
      onUpdate: (old, p) => {
        index.setPod(old, true);
        index.setPod(p);
      },
      onDelete: (d) => index.setPod(objectOf(d), true),
    });
    all.push(pods);
  }
  const done = Promise.all(all.map((i) => i.run(signal))).then(() => undefined);
  const synced = (): boolean => all.every((i) => i.hasSynced());
  const whenSynced = new Promise<void>((resolve) => {
    const check = (): void => {
      if (synced() || signal.aborted) resolve();
      else setTimeout(check, 20).unref();
    };
    check();
  });
  return { synced, whenSynced, done };
}
