// kube-controller-manager's `root-ca-cert-publisher`: every namespace has the ConfigMap
// kube-root-ca.crt whose ca.crt is the cluster CA the API server's certificate chains to, so
// pods can check whom they talk to (the token volume projects it as ca.crt). Namespaces that
// appear (or turn Active) are checked; an edited or deleted ConfigMap of that name is put
// back. Without a CA in the settings the controller has nothing to publish and only says so.
//
// Unlike kube-controller-manager, svcnet has no leader election: every server replica runs this
// controller. Replicas that share their CA agree; replicas with different CAs (separate data
// dirs on one etcd) would overwrite each other's ConfigMap without end. So rewrites of one
// namespace's ConfigMap that follow each other closely are spaced out (WriteSpacing), and that
// case is reported once.

import { deepCopy, jsonEqual } from "../../api/json.js";
import { rootCAConfigMapName } from "../../api/service-account-volume.js";
import type { ConfigMap, Namespace } from "../../api/types.js";
import { WorkQueue, isNotFound, objectOf, runController } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { isNamespaceTerminating } from "../endpoints/namespace-terminating.js";

/** The annotation explaining what it is for. */
export const descriptionAnnotation = "kubernetes.io/description";
/** Kubernetes' text of that annotation. */
export const rootCADescription =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
  "No other usage is guaranteed across distributions of Kubernetes clusters.";

/**
 * What a namespace's ConfigMap needs: created when missing, updated when its data is not exactly
 * {ca.crt} or the description annotation is missing (other fields and annotations are kept).
 */
export function rootCAConfigMapChange(existing: ConfigMap | undefined, ns: string, caCert: string): { create: ConfigMap } | { update: ConfigMap } | undefined {
  const data = { "ca.crt": caCert };
  if (!existing) {
    return { create: { metadata: { name: rootCAConfigMapName, namespace: ns, annotations: { [descriptionAnnotation]: rootCADescription } }, data } };
  }
  if (jsonEqual(existing.data ?? {}, data) && existing.metadata.annotations?.[descriptionAnnotation]) return undefined;
  const next = deepCopy(existing);
  next.data = data;
  next.metadata.annotations = { ...next.metadata.annotations, [descriptionAnnotation]: rootCADescription };
  return { update: next };
}

/**
 * Spaces out repeated rewrites of one key: a write that follows the previous one within
 * `hotMs` doubles the pause before the next (from `minMs` up to `maxMs`); after a quiet
 * `hotMs` writes are immediate again. Pure bookkeeping over the times it is given.
 */
export class WriteSpacing {
  readonly #state = new Map<string, { last: number; pauseMs: number }>();
  readonly #o: { hotMs: number; minMs: number; maxMs: number };

  constructor(o: { hotMs?: number; minMs?: number; maxMs?: number } = {}) {
    this.#o = { hotMs: o.hotMs ?? 30_000, minMs: o.minMs ?? 1000, maxMs: o.maxMs ?? 300_000 };
  }

  /** Milliseconds to wait before `key` may be written at `now` (0: now). */
  waitMs(key: string, now: number): number {
    const s = this.#state.get(key);
    return s ? Math.max(0, s.last + s.pauseMs - now) : 0;
  }

  /** Records a write of `key` at `now`; returns the pause the next write will need. */
  wrote(key: string, now: number): number {
    const s = this.#state.get(key);
    const hot = s !== undefined && now - s.last < this.#o.hotMs;
    const pauseMs = hot ? Math.min(this.#o.maxMs, Math.max(this.#o.minMs, s.pauseMs * 2)) : 0;
    this.#state.set(key, { last: now, pauseMs });
    return pauseMs;
  }
}

export const rootCACertPublisher: Controller = {
  name: "root-ca-cert-publisher",
  async run(ctx) {
    const caCert = ctx.settings.rootCACert;
    if (!caCert) {
      console.error("svcnet: root-ca-cert-publisher: no cluster CA configured; kube-root-ca.crt is not published");
      return;
    }
    const namespaces = ctx.factory.informerFor<Namespace>(resource("", "v1", "namespaces"));
    const configMaps = ctx.factory.informerFor<ConfigMap>(resource("", "v1", "configmaps"));
    const client = ctx.client<ConfigMap>(resource("", "v1", "configmaps"));
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const spacing = new WriteSpacing();
    let reported = false;
    const onConfigMap = (o: unknown): void => {
      const cm = objectOf(o as ConfigMap);
      if (cm.metadata.name === rootCAConfigMapName) queue.add(cm.metadata.namespace ?? "");
    };
    configMaps.addEventHandler({ onUpdate: (_old, o) => onConfigMap(o), onDelete: onConfigMap });
    namespaces.addEventHandler({
      onAdd: (o) => queue.add(o.metadata.name ?? ""),
      onUpdate: (_old, o) => {
        if (o.status?.phase === "Active") queue.add(o.metadata.name ?? "");
      },
    });
    await runController({
      name: "root-ca-cert-publisher",
      queue,
      signal: ctx.signal,
      caches: [namespaces, configMaps],
      async sync(ns) {
        const change = rootCAConfigMapChange(configMaps.lister.get(ns, rootCAConfigMapName), ns, caCert);
        if (!change) return;
        if ("create" in change) {
          try {
            await client.create(change.create);
          } catch (e) {
            // The namespace is gone or going: nothing to publish there.
            if (!isNotFound(e) && !isNamespaceTerminating(e)) throw e;
          }
          return;
        }
        const wait = spacing.waitMs(ns, ctx.clock.now());
        if (wait > 0) {
          queue.addAfter(ns, wait);
          return;
        }
        await client.update(change.update);
        const pause = spacing.wrote(ns, ctx.clock.now());
        if (pause >= 8000 && !reported) {
          reported = true;
          console.error(
            `svcnet: root-ca-cert-publisher: ${ns}/${rootCAConfigMapName} keeps being changed back (another server with another CA on the same store?); rewriting it at most every ${pause / 1000} s`,
          );
        }
      },
    });
  },
};
