// What pods do differently: a new pod starts Pending with its QoS class and the default
// not-ready/unreachable tolerations (DefaultTolerationSeconds admission), runs as a service
// account that must exist, with its token mounted (ServiceAccount admission), and deletion of a
// pod that runs on an existing node is graceful — it is marked and the node agent confirms it
// (DELETE with grace 0) once the containers have stopped. Unscheduled or finished pods go at once.

import { defaultTolerations } from "../api/defaults/pod-tolerations.js";
import { findResource } from "../api/resources.js";
import type { KubeObject, Pod, ServiceAccount } from "../api/types.js";
import { generateName } from "./generate-name.js";
import type { Registry } from "./registry.js";
import type { ServiceAccountLookupOptions } from "./service-account-admission.js";
import { admitPodServiceAccount, requireServiceAccount } from "./service-account-admission.js";
import type { ResourceStrategy, WriteContext } from "./strategy.js";
import { noAdmission } from "./strategy.js";

const defaultGraceSeconds = 30;

/** BestEffort without requests/limits, Guaranteed when every container's requests equal limits, else Burstable. */
export function qosClassOf(pod: Pod): "BestEffort" | "Burstable" | "Guaranteed" {
  const containers = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = (c.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
    const req = res.requests ?? {};
    const lim = res.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const k of ["cpu", "memory"]) {
      const l = lim[k];
      const r = req[k] ?? l;
      if (l === undefined || r !== l) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

export function podStrategyOverrides(
  base: ResourceStrategy,
  registry: () => Registry,
  o: { serviceAccountLookup?: ServiceAccountLookupOptions } = {},
): Partial<ResourceStrategy> {
  const nodes = findResource("", "v1", "nodes");
  const serviceAccounts = findResource("", "v1", "serviceaccounts");
  if (!nodes || !serviceAccounts) throw new Error("nodes and serviceaccounts must be in the catalog");
  const findServiceAccount = async (ns: string, name: string): Promise<ServiceAccount | undefined> =>
    (await registry().find(serviceAccounts, ns, name)) as ServiceAccount | undefined;
  return {
    // The ServiceAccount admission plugin (service-account-admission.ts).
    async admitCreate(obj: KubeObject) {
      const pod = obj as Pod;
      const sa = await requireServiceAccount(findServiceAccount, pod, o.serviceAccountLookup);
      admitPodServiceAccount(pod, sa, generateName);
      return noAdmission;
    },
    prepareForCreate(obj: KubeObject, ctx: WriteContext) {
      base.prepareForCreate(obj, ctx);
      const pod = obj as Pod;
      pod.spec.tolerations = defaultTolerations(pod);
      pod.status = { phase: "Pending", qosClass: qosClassOf(pod) };
    },
    async gracePeriod(obj: KubeObject, requested: number | undefined): Promise<number> {
      const pod = obj as Pod;
      const phase = pod.status?.phase;
      if (!pod.spec.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
      const grace = requested ?? (pod.spec.terminationGracePeriodSeconds as number | undefined) ?? defaultGraceSeconds;
      if (grace <= 0) return 0;
      // Nobody would confirm the deletion of a pod on a node that does not exist.
      const node = await registry().find(nodes, undefined, pod.spec.nodeName);
      return node ? grace : 0;
    },
  };
}
