// Small fixture builders shared by the envvars tests.

import { deepFreeze } from "../../api/json.js";
import type { Pod, Service, ServicePort } from "../../api/types.js";

/** A frozen ClusterIP service `ns/name` with the given IP and ports. */
export function makeService(ns: string, name: string, clusterIP: string, ports: ServicePort[], edit?: (s: Service) => void): Service {
  const svc: Service = { metadata: { namespace: ns, name }, spec: { type: "ClusterIP", clusterIP, ports } };
  edit?.(svc);
  return deepFreeze(svc);
}

/** A frozen pod `ns/name` with one container `app`. */
export function makePod(ns: string, name: string, edit?: (p: Pod) => void): Pod {
  const pod: Pod = { metadata: { namespace: ns, name, uid: "uid-1" }, spec: { containers: [{ name: "app" }] } };
  edit?.(pod);
  return deepFreeze(pod);
}

/** Parses `NAME=value` lines (as in the reference's worked examples) into pairs. */
export function lines(text: string): { name: string; value: string }[] {
  return text
    .trim()
    .split("\n")
    .map((l) => {
      const i = l.indexOf("=");
      return { name: l.slice(0, i), value: l.slice(i + 1) };
    });
}
