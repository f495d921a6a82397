// Option types of KubeClient's calls, kept apart so the informer, recorder and tests can name
// them without pulling in the client.

import type { KubeObject } from "../api/types.js";

/** Every call may be cancelled. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** Selectors in the string form the API takes: "app=nginx,tier!=db", "spec.nodeName=n1". */
export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListOptions extends Selectors, RequestOptions {
  /** "" (default) = most recent; "0" = any cached state; a revision = not older than it. */
  resourceVersion?: string;
  /** Page size of the paging loop; default 500; 0 asks for everything in one response. */
  limit?: number;
}

export interface ListPageOptions extends ListOptions {
  /** The continue token of the previous page. */
  continue?: string;
}

export interface WatchOptions extends Selectors, RequestOptions {
  /** Changes after this revision; "" or "0" start with ADDED for every current object. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long. */
  timeoutSeconds?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

/** One watch event; for BOOKMARK only `object.metadata.resourceVersion` is meaningful. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface WriteOptions extends RequestOptions {
  /** Validate and admit, do not persist (dryRun=All). */
  dryRun?: boolean;
  /** Default: the client's field manager ("svcnet" unless configured). */
  fieldManager?: string;
}

export interface CreateOptions extends WriteOptions {
  /** Default: the object's metadata.namespace. */
  namespace?: string;
}

/** merge = RFC 7386, strategic = Kubernetes strategic merge, json = RFC 6902, apply = server-side apply. */
export type PatchType = "merge" | "strategic" | "json" | "apply";

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** A JSON value (array of operations for "json"), sent JSON-encoded. */
  body: unknown;
  /** Server-side apply only: take over fields owned by other managers. */
  force?: boolean;
  /** "status", "scale", … */
  subresource?: string;
}

export interface DeleteOptions extends RequestOptions {
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  gracePeriodSeconds?: number;
  /** Delete only if the live object still has this uid / resourceVersion (else 409). */
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** autoscaling/v1 Scale, the view /scale reads and writes. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}
