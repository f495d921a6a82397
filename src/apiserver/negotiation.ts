// Content negotiation: what the client accepts (JSON, a server-side Table, or only protobuf,
// which svcnet does not speak) and how request bodies are encoded.

import { ApiError } from "../api/errors.js";

export interface MediaRange {
  type: string;
  params: Map<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept
    .split(",")
    .map((part) => {
      const [type, ...ps] = part.split(";").map((x) => x.trim());
      return { type: type.toLowerCase(), params: new Map(ps.map((p) => p.split("=").map((x) => x.trim()) as [string, string])) };
    })
    .filter((m) => m.type !== "");
}

export type ResponseFormat = { kind: "json" } | { kind: "table"; version: "v1" | "v1beta1" };

/**
 * Picks the first media range svcnet can produce: a meta.k8s.io Table, or JSON
 * (application/json, or any type). Protobuf-only or YAML-only clients get 406 Not Acceptable.
 */
export function negotiate(accept: string | undefined): ResponseFormat {
  const ranges = parseAccept(accept);
  if (!ranges.length) return { kind: "json" };
  for (const m of ranges) {
    if (m.params.get("as") === "Table" && m.params.get("g") === "meta.k8s.io") {
      const v = m.params.get("v");
      if (m.type === "application/json" && (v === "v1" || v === "v1beta1")) return { kind: "table", version: v };
      continue;
    }
    if (m.params.has("as")) continue;
    if (m.type === "application/json" || m.type === "*/*" || m.type === "application/*") return { kind: "json" };
  }
  throw new ApiError(
    406,
    "NotAcceptable",
    "only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io",
  );
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}
