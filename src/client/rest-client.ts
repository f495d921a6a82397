// KubeClient: typed REST calls for one resource of the catalog over any Transport — get, list
// (paged), watch, create, update, status, patch, delete, deletecollection, binding and scale.
// Failures become ClientError carrying the server's Status; nothing is swallowed.

import type { ResourceInfo } from "../api/resources.js";
import { groupVersionOf } from "../api/resources.js";
import type { KubeList, KubeObject, Status } from "../api/types.js";
import { ClientError, isExpired, isStatus } from "./client-error.js";
import type {
  CreateOptions,
  DeleteOptions,
  ListOptions,
  ListPageOptions,
  PatchOptions,
  PatchType,
  RequestOptions,
  Scale,
  Selectors,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "./client-options.js";
import { splitLines } from "./line-stream.js";
import type { PathTarget } from "./paths.js";
import { resourcePath } from "./paths.js";
import type { ClientRequest, Transport } from "./transport.js";
import { setTimeout as sleep } from "node:timers/promises";

export interface KubeClientOptions {
  /** The field manager of writes that name none; default "svcnet". */
  fieldManager?: string;
}

const patchMediaTypes: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
};

const defaultPageSize = 500;

function selectorQuery(q: URLSearchParams, o: Selectors): void {
  if (o.labelSelector) q.set("labelSelector", o.labelSelector);
  if (o.fieldSelector) q.set("fieldSelector", o.fieldSelector);
}

/**
 * Calls the API for one resource. Objects returned are fresh copies owned by the caller.
 * Namespaced calls take the namespace first (undefined = all namespaces for list and watch);
 * it is ignored for cluster-scoped resources. Every call rejects with ClientError when the
 * server answers with a failure (including a 2xx answer whose body is a Failure Status), and
 * with the transport's error when no answer arrived.
 */
export class KubeClient<T extends KubeObject = KubeObject> {
  readonly resource: ResourceInfo;
  readonly #t: Transport;
  readonly #manager: string;

  constructor(transport: Transport, resource: ResourceInfo, options: KubeClientOptions = {}) {
    this.#t = transport;
    this.resource = resource;
    this.#manager = options.fieldManager ?? "svcnet";
  }

  /** The same resource's client over the same transport, typed as another object type. */
  as<U extends KubeObject>(): KubeClient<U> {
    return new KubeClient<U>(this.#t, this.resource, { fieldManager: this.#manager });
  }

  get(ns: string | undefined, name: string, o: RequestOptions & { resourceVersion?: string } = {}): Promise<T> {
    const query = new URLSearchParams();
    if (o.resourceVersion !== undefined) query.set("resourceVersion", o.resourceVersion);
    return this.#call<T>({ method: "GET", path: this.#path({ namespace: ns, name }), query, signal: o.signal });
  }

  /** One page of a list; `metadata.continue` names the next page, if any. */
  listPage(ns: string | undefined, o: ListPageOptions = {}): Promise<KubeList<T>> {
    const query = new URLSearchParams();
    selectorQuery(query, o);
    const limit = o.limit ?? defaultPageSize;
    if (limit > 0) query.set("limit", String(limit));
    if (o.continue) query.set("continue", o.continue);
    else if (o.resourceVersion !== undefined) query.set("resourceVersion", o.resourceVersion);
    return this.#call<KubeList<T>>({ method: "GET", path: this.#path({ namespace: ns }), query, signal: o.signal });
  }

  /**
   * The whole list, fetched in pages of `limit` that share the first page's snapshot; the
   * result carries that snapshot's resourceVersion. When a continue token expires (410) in the
   * middle, the list restarts once without paging, as client-go's pager does.
   */
  async list(ns: string | undefined, o: ListOptions = {}): Promise<KubeList<T>> {
    const first = await this.listPage(ns, o);
    const items = [...first.items];
    let token = first.metadata.continue;
    while (token) {
      let page: KubeList<T>;
      try {
        page = await this.listPage(ns, { ...o, continue: token });
      } catch (e) {
        if (!isExpired(e)) throw e;
        return this.listPage(ns, { ...o, limit: 0 });
      }
      items.push(...page.items);
      token = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  /**
   * Watches the collection. Yields events until the server ends the watch (the iteration then
   * simply finishes) or `o.signal` aborts; an ERROR event is thrown as ClientError (410 Expired
   * means: relist). Breaking out of the loop releases the server-side watch.
   */
  async *watch(ns: string | undefined, o: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const query = new URLSearchParams({ watch: "true" });
    selectorQuery(query, o);
    if (o.resourceVersion !== undefined) query.set("resourceVersion", o.resourceVersion);
    if (o.allowWatchBookmarks) query.set("allowWatchBookmarks", "true");
    if (o.timeoutSeconds !== undefined) query.set("timeoutSeconds", String(o.timeoutSeconds));
    const res = await this.#t.request({ method: "GET", path: this.#path({ namespace: ns }), query, stream: true, signal: o.signal });
    if (res.status < 200 || res.status > 299) throw ClientError.fromResponse(res.status, res.body);
    const lines = res.lines ?? splitLines(toIterable(res.body ?? ""), o.signal);
    for await (const line of lines) {
      const ev = JSON.parse(line) as { type?: unknown; object?: unknown };
      if (ev.type === "ERROR") throw isStatus(ev.object) ? new ClientError(ev.object) : ClientError.fromResponse(500, JSON.stringify(ev.object));
      if (ev.type !== "ADDED" && ev.type !== "MODIFIED" && ev.type !== "DELETED" && ev.type !== "BOOKMARK") {
        throw new TypeError(`watch ${this.resource.resource}: unknown event type ${JSON.stringify(ev.type)}`);
      }
      yield { type: ev.type, object: ev.object as T };
    }
  }

  /** POST; the namespace comes from `o.namespace` or the object's metadata. */
  create(obj: T, o: CreateOptions = {}): Promise<T> {
    const ns = o.namespace ?? obj.metadata.namespace;
    return this.#write<T>("POST", { namespace: ns }, obj, o);
  }

  /** PUT of the whole object; metadata.resourceVersion makes it conditional (409 when stale). */
  update(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.#write<T>("PUT", this.#target(obj), obj, o);
  }

  /** PUT …/status: only the status (and metadata labels/annotations) change. */
  updateStatus(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.updateSubresource(obj, "status", o);
  }

  /** PUT …/<subresource> with the whole object (status, finalize for namespaces). */
  updateSubresource(obj: T, subresource: string, o: WriteOptions = {}): Promise<T> {
    return this.#write<T>("PUT", { ...this.#target(obj), subresource }, obj, o);
  }

  /** PATCH with the given patch type; "apply" sends the body as server-side apply. */
  patch(ns: string | undefined, name: string, o: PatchOptions): Promise<T> {
    const query = this.#writeQuery(o);
    if (o.type === "apply" && o.force) query.set("force", "true");
    return this.#call<T>({
      method: "PATCH",
      path: this.#path({ namespace: ns, name, subresource: o.subresource }),
      query,
      body: JSON.stringify(o.body),
      contentType: patchMediaTypes[o.type],
      signal: o.signal,
    });
  }

  /** Server-side apply of `obj` (its namespace and name) as this client's field manager. */
  apply(obj: T, o: WriteOptions & { force?: boolean } = {}): Promise<T> {
    const t = this.#target(obj);
    return this.patch(t.namespace, t.name ?? "", { ...o, type: "apply", body: obj });
  }

  /** DELETE; resolves with what the server returns: the object (e.g. being finalized) or a Status. */
  delete(ns: string | undefined, name: string, o: DeleteOptions = {}): Promise<T | Status> {
    return this.#call<T | Status>({ method: "DELETE", path: this.#path({ namespace: ns, name }), body: deleteBody(o), contentType: "application/json", signal: o.signal });
  }

  /** DELETE on the collection: every object matching the selectors; resolves with them. */
  deleteCollection(ns: string | undefined, o: DeleteOptions & Selectors = {}): Promise<KubeList<T>> {
    const query = new URLSearchParams();
    selectorQuery(query, o);
    return this.#call<KubeList<T>>({ method: "DELETE", path: this.#path({ namespace: ns }), query, body: deleteBody(o), contentType: "application/json", signal: o.signal });
  }

  /** POST pods/<name>/binding: assigns an unbound pod to `node` (409 if already bound). */
  bind(ns: string, name: string, o: WriteOptions & { node: string; uid?: string }): Promise<Status> {
    const binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name, namespace: ns, ...(o.uid ? { uid: o.uid } : {}) },
      target: { apiVersion: "v1", kind: "Node", name: o.node },
    };
    return this.#write<Status>("POST", { namespace: ns, name, subresource: "binding" }, binding, o);
  }

  getScale(ns: string | undefined, name: string, o: RequestOptions = {}): Promise<Scale> {
    return this.#call<Scale>({ method: "GET", path: this.#path({ namespace: ns, name, subresource: "scale" }), signal: o.signal });
  }

  /** PUT …/scale; with `resourceVersion` it is conditional like any update. */
  updateScale(ns: string | undefined, name: string, o: WriteOptions & { replicas: number; resourceVersion?: string }): Promise<Scale> {
    const scale: Scale = {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name, namespace: ns, ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}) },
      spec: { replicas: o.replicas },
    };
    return this.#write<Scale>("PUT", { namespace: ns, name, subresource: "scale" }, scale, o);
  }

  #path(t: PathTarget): string {
    return resourcePath(this.resource, t);
  }

  #target(obj: KubeObject): PathTarget {
    return { namespace: obj.metadata.namespace, name: obj.metadata.name ?? "" };
  }

  #writeQuery(o: WriteOptions): URLSearchParams {
    const query = new URLSearchParams({ fieldManager: o.fieldManager ?? this.#manager });
    if (o.dryRun) query.set("dryRun", "All");
    return query;
  }

  #write<R>(method: "POST" | "PUT", t: PathTarget, body: unknown, o: WriteOptions): Promise<R> {
    const withKind = isObject(body) && !body.apiVersion && !t.subresource ? { apiVersion: groupVersionOf(this.resource), kind: this.resource.kind, ...body } : body;
    return this.#call<R>({ method, path: this.#path(t), query: this.#writeQuery(o), body: JSON.stringify(withKind), contentType: "application/json", signal: o.signal });
  }

  async #call<R>(r: ClientRequest): Promise<R> {
    let res = await this.#t.request(r);
    // As client-go: a 429 with Retry-After (the server's flow control refused the request before
    // running it) is sent again after that many seconds, up to maxTooManyRequestsRetries times.
    for (let retries = 0; res.status === 429 && retries < maxTooManyRequestsRetries; retries++) {
      const seconds = Number(res.headers["retry-after"]);
      if (!Number.isInteger(seconds) || seconds < 0) break;
      await sleep(Math.min(seconds, 10) * 1000, undefined, { signal: r.signal });
      res = await this.#t.request(r);
    }
    if (res.status < 200 || res.status > 299) throw ClientError.fromResponse(res.status, res.body);
    const value = JSON.parse(res.body ?? "null") as unknown;
    if (isStatus(value) && value.status === "Failure") throw new ClientError(value);
    return value as R;
  }
}

/** client-go's limit on resending a request the server answered 429 with Retry-After. */
const maxTooManyRequestsRetries = 10;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deleteBody(o: DeleteOptions): string {
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o.preconditions) body.preconditions = o.preconditions;
  if (o.dryRun) body.dryRun = ["All"];
  return JSON.stringify(body);
}

async function* toIterable(text: string): AsyncGenerator<string> {
  yield text;
}
