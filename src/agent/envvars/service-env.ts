// Service environment variables as kubelet injects them into every container it starts
// (the docker-link compatible `<NAME>_SERVICE_HOST`, `<NAME>_PORT_<port>_<PROTO>` family).

import type { Service, ServicePort } from "../../api/types.js";

/** One environment variable, in the order it should appear in the container. */
export interface EnvVar {
  name: string;
  value: string;
}

/** Options for {@link serviceEnv}. */
export interface ServiceEnvOptions {
  /** Namespace of the pod whose environment is being built. */
  namespace: string;
  /**
   * `pod.spec.enableServiceLinks`. The API server defaults it to true, so `undefined` is
   * treated as true. When false only the `default/kubernetes` service contributes.
   */
  enableServiceLinks?: boolean;
}

/** Services from the `default` namespace that every pod sees, whatever its namespace. */
const MASTER_SERVICES: ReadonlySet<string> = new Set(["kubernetes"]);

/**
 * True when the service has a usable cluster IP: not headless (`None`), not ExternalName
 * or otherwise unset (`""`). Only such services produce environment variables.
 */
export function hasClusterIP(service: Service): boolean {
  const ip = service.spec.clusterIP;
  return ip !== undefined && ip !== "" && ip !== "None";
}

/** Upper-cases a service or port name and turns `-` into `_` (kubelet's variable prefix). */
export function envVarName(name: string): string {
  return name.replaceAll("-", "_").toUpperCase();
}

/**
 * Chooses the services whose variables a pod in `namespace` sees: services with a cluster
 * IP in the pod's own namespace when links are enabled, plus `default/kubernetes` always.
 * A same-named service of the pod's namespace replaces the default one when links are on.
 * The result is sorted by service name, so the output never depends on list order.
 */
export function visibleServices(services: readonly Service[], opts: ServiceEnvOptions): Service[] {
  const links = opts.enableServiceLinks ?? true;
  const byName = new Map<string, Service>();
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata.name ?? "";
    const ns = svc.metadata.namespace ?? "";
    if (ns === "default" && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (ns === opts.namespace && links) {
      byName.set(name, svc);
    }
  }
  return [...byName.values()].sort((a, b) => compare(a.metadata.name ?? "", b.metadata.name ?? ""));
}

/**
 * The variables of one service with a cluster IP, in kubelet's order: `_SERVICE_HOST`,
 * `_SERVICE_PORT` (first port), `_SERVICE_PORT_<NAME>` per named port, `_PORT` (first port,
 * `<proto>://<host:port>`), then for each port `_PORT_<port>_<PROTO>` and its `_PROTO`,
 * `_PORT`, `_ADDR`. Returns `[]` for services without a cluster IP or without ports.
 * Only `spec.clusterIP` (the primary family) is used; IPv6 is bracketed in URLs.
 */
export function serviceVars(service: Service): EnvVar[] {
  const ports = service.spec.ports ?? [];
  if (!hasClusterIP(service) || ports.length === 0) return [];
  const ip = service.spec.clusterIP as string;
  const prefix = envVarName(service.metadata.name ?? "");
  const out: EnvVar[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) },
  ];
  for (const p of ports) {
    if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarName(p.name)}`, value: String(p.port) });
  }
  ports.forEach((p, i) => out.push(...linkVars(prefix, ip, p, i === 0)));
  return out;
}

/**
 * All service variables for a pod, as kubelet computes them when a container starts.
 * Visible services (see {@link visibleServices}) are processed in name order; if two
 * services produce the same variable name (e.g. `nginx` and `nginx-service` both make
 * `NGINX_SERVICE_PORT`), the first in name order wins. kubelet's choice there is random.
 */
export function serviceEnv(services: readonly Service[], opts: ServiceEnvOptions): EnvVar[] {
  const seen = new Set<string>();
  const out: EnvVar[] = [];
  for (const svc of visibleServices(services, opts)) {
    for (const v of serviceVars(svc)) {
      if (seen.has(v.name)) continue;
      seen.add(v.name);
      out.push(v);
    }
  }
  return out;
}

function linkVars(prefix: string, ip: string, port: ServicePort, first: boolean): EnvVar[] {
  const proto = port.protocol || "TCP";
  const lower = proto.toLowerCase();
  const url = `${lower}://${joinHostPort(ip, port.port)}`;
  const portPrefix = `${prefix}_PORT_${port.port}_${proto.toUpperCase()}`;
  const out: EnvVar[] = first ? [{ name: `${prefix}_PORT`, value: url }] : [];
  out.push(
    { name: portPrefix, value: url },
    { name: `${portPrefix}_PROTO`, value: lower },
    { name: `${portPrefix}_PORT`, value: String(port.port) },
    { name: `${portPrefix}_ADDR`, value: ip },
  );
  return out;
}

/** Like Go's net.JoinHostPort: hosts containing ':' (IPv6) are bracketed. */
function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
