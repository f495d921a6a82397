// Fixture builder shared by the dns-config tests.

import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";

/** A frozen pod `ns/name` with one container; `edit` sets DNS fields before freezing. */
export function makePod(ns: string, name: string, edit?: (p: Pod) => void): Pod {
  const pod: Pod = { metadata: { namespace: ns, name }, spec: { containers: [{ name: "app" }] } };
  edit?.(pod);
  return deepFreeze(pod);
}
