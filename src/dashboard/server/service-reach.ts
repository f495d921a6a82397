// How a pod reaches a service, as the dashboard shows it: the DNS names a pod of the same namespace
// looks up and what the cluster DNS answers for each (asked of the real resolver, src/dns/zone/, over
// an index of this one service and its EndpointSlices) — A for the service, SRV per named port,
// A per endpoint of a headless service, CNAME for ExternalName — and the environment variables a
// container started after the service gets for it (src/agent/envvars/). Pure.

import { serviceVars } from "../../agent/envvars/service-env.js";
import type { EndpointSlice, Service } from "../../api/types.js";
import { RRType } from "../../dns/wire/dns-constants.js";
import { ClusterIndex, dnsEndpoints, dnsService } from "../../dns/zone/cluster-index.js";
import type { ResourceRecord } from "../../dns/zone/records.js";
import { resolve } from "../../dns/zone/resolve.js";
import type { DnsRecordView, ServiceReachView } from "../api-types.js";

export interface ReachOptions {
  /** The cluster domain; default cluster.local. */
  zone?: string;
}

function answerText(r: ResourceRecord): string {
  switch (r.type) {
    case RRType.A:
    case RRType.AAAA:
      return r.address;
    case RRType.CNAME:
      return `${r.target}.`;
    case RRType.SRV:
      return `${r.srv.priority} ${r.srv.weight} ${r.srv.port} ${r.srv.target}.`;
    default:
      return "";
  }
}

export function serviceReach(service: Service, slices: readonly EndpointSlice[], o: ReachOptions = {}): ServiceReachView {
  const zone = (o.zone ?? "cluster.local").toLowerCase();
  const index = new ClusterIndex(() => 0);
  const namespace = service.metadata.namespace ?? "default";
  index.setNamespace({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  index.setService(service);
  for (const s of slices) index.setSlice(s);
  const svc = dnsService(service);
  const fqdn = `${svc.name}.${svc.namespace}.svc.${zone}`;
  const ask = (name: string, type: DnsRecordView["type"], what: string): DnsRecordView => {
    const r = resolve(index, name, RRType[type], { zone, ttl: 5, pods: "disabled", synced: true });
    const wanted = r.answer.filter((a) => a.type === RRType[type] || a.type === RRType.CNAME);
    return { name: `${name}.`, type, answers: wanted.map(answerText).sort(), what };
  };
  const dns: DnsRecordView[] = [];
  if (svc.kind === "externalName") {
    dns.push(ask(fqdn, "CNAME", `an alias of ${svc.externalName ?? ""}`));
  } else {
    dns.push(ask(fqdn, "A", svc.kind === "headless" ? "headless: the ready endpoints' addresses" : "the ClusterIP"));
    for (const p of svc.ports) {
      if (p.name === "") continue;
      dns.push(ask(`_${p.name}._${p.protocol}.${fqdn}`, "SRV", `port ${p.name} over ${p.protocol}`));
    }
    if (svc.kind === "headless") {
      const hostnames = new Set(slices.flatMap((s) => dnsEndpoints(s).map((e) => e.hostname)));
      for (const h of [...hostnames].sort()) dns.push(ask(`${h}.${fqdn}`, "A", `endpoint ${h}`));
    }
  }
  return {
    namespace,
    name: service.metadata.name ?? "",
    searchPath: [`${svc.namespace}.svc.${zone}`, `svc.${zone}`, zone],
    dns,
    env: serviceVars(service),
  };
}
