// Downward API `valueFrom.fieldRef` values for container environment variables.

import type { Pod } from "../../api/types.js";

/** Runtime facts kubelet knows about a pod that are not (yet) in its stored object. */
export interface PodRuntimeInfo {
  /** The pod's IPs, primary first. Falls back to `pod.status.podIPs` / `podIP`. */
  podIPs?: readonly string[];
  /** The node's IPs, primary first. Falls back to `pod.status.hostIPs` / `hostIP`. */
  hostIPs?: readonly string[];
  /** The node name. Falls back to `pod.spec.nodeName`. */
  nodeName?: string;
}

/** A fieldPath kubelet cannot resolve; kubelet fails the container start with it. */
export class UnsupportedFieldPathError extends Error {
  readonly code = "UnsupportedFieldPath";
  constructor(readonly fieldPath: string) {
    super(`unsupported fieldPath: ${fieldPath}`);
    this.name = "UnsupportedFieldPathError";
  }
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/**
 * The string value of a `fieldRef.fieldPath` for `pod`. Supports metadata.name,
 * metadata.namespace, metadata.uid, metadata.labels, metadata.annotations (whole map as
 * sorted `k="v"` lines, or one key via `metadata.labels['k']`, missing key ⇒ ""),
 * spec.nodeName, spec.serviceAccountName, status.podIP / status.hostIP (primary) and
 * status.podIPs / status.hostIPs (comma-joined). Throws {@link UnsupportedFieldPathError}
 * for anything else.
 */
export function fieldRefValue(pod: Pod, fieldPath: string, info: PodRuntimeInfo = {}): string {
  const meta = pod.metadata;
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    const map = sub[1] === "labels" ? meta.labels : meta.annotations;
    return map?.[sub[2]] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name":
      return meta.name ?? "";
    case "metadata.namespace":
      return meta.namespace ?? "";
    case "metadata.uid":
      return meta.uid ?? "";
    case "metadata.labels":
      return formatMap(meta.labels);
    case "metadata.annotations":
      return formatMap(meta.annotations);
    case "spec.nodeName":
      return pod.spec.nodeName || info.nodeName || "";
    case "spec.serviceAccountName":
      return stringField(pod.spec["serviceAccountName"]);
    case "status.podIP":
      return podIPs(pod, info)[0] ?? "";
    case "status.podIPs":
      return podIPs(pod, info).join(",");
    case "status.hostIP":
      return hostIPs(pod, info)[0] ?? "";
    case "status.hostIPs":
      return hostIPs(pod, info).join(",");
    default:
      throw new UnsupportedFieldPathError(fieldPath);
  }
}

function podIPs(pod: Pod, info: PodRuntimeInfo): readonly string[] {
  if (info.podIPs && info.podIPs.length > 0) return info.podIPs;
  const st = pod.status;
  if (st?.podIPs && st.podIPs.length > 0) return st.podIPs.map((p) => p.ip);
  return st?.podIP ? [st.podIP] : [];
}

function hostIPs(pod: Pod, info: PodRuntimeInfo): readonly string[] {
  if (info.hostIPs && info.hostIPs.length > 0) return info.hostIPs;
  const st = pod.status;
  if (st?.hostIPs && st.hostIPs.length > 0) return st.hostIPs.map((p) => p.ip);
  return st?.hostIP ? [st.hostIP] : [];
}

/** `k="v"` lines sorted by key, values double-quoted and escaped (like Go's %q for text). */
function formatMap(map: Record<string, string> | undefined): string {
  if (!map) return "";
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${JSON.stringify(map[k])}`)
    .join("\n");
}

function stringField(v: unknown): string {
  return typeof v === "string" ? v : "";
}
