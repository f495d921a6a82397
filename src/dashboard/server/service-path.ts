// The rule path of a new connection to a service on one node, for GET /ui/api/services/<ns>/<name>/path:
// reads the service and node, asks the node's agent for its live rules, walks a packet from a pod of
// that node to the ClusterIP and port through them with the packet tracer (iptables or nftables), and
// adds the iptables counters of the jumps into each chain. Errors are ApiErrors (Status).

import { ApiError } from "../../api/errors.js";
import { requireResource } from "../../api/resources.js";
import type { Node, Pod, Service, ServicePort } from "../../api/types.js";
import { parseRestore } from "../../proxy/iptables/restore-parse.js";
import { FAMILY, TABLE } from "../../proxy/nftables/names.js";
import { parseNftJson } from "../../proxy/trace/nft-json-parse.js";
import { traceNftPacket } from "../../proxy/trace/nft-packet-tracer.js";
import { tracePacket } from "../../proxy/trace/packet-tracer.js";
import type { TracePacket, TraceResult } from "../../proxy/trace/trace-result.js";
import type { Protocol } from "../../proxy/types.js";
import type { Registry } from "../../registry/registry.js";
import type { ServicePathView } from "../api-types.js";
import type { NodeRulesSource } from "./agent-rules.js";
import { chainCounters } from "./chain-counters.js";
import { pathBranches } from "./path-view.js";

/** The service port asked for by name or number; the first port when none is asked. */
export function choosePort(service: Service, asked: string | null): ServicePort {
  const ports = service.spec.ports ?? [];
  const name = service.metadata.name ?? "";
  if (ports.length === 0) throw ApiError.badRequest(`service ${name} has no ports`);
  if (asked === null || asked === "") return ports[0];
  const found = ports.find((p) => p.name === asked || String(p.port) === asked);
  if (!found) throw ApiError.badRequest(`service ${name} has no port ${JSON.stringify(asked)}; it has ${ports.map((p) => p.name || String(p.port)).join(", ")}`);
  return found;
}

/**
 * Where the traced connection comes from: a new pod of the node — an address of its pod range
 * (.254 of a /24 or wider), so the trace is not the hairpin of an endpoint calling itself — else a
 * pod of `pods` running there, else the node itself.
 */
export function tracedSource(node: Node, pods: readonly Pod[]): { source: string; origin: TracePacket["origin"] } {
  const name = node.metadata.name;
  const m = /^(\d+\.\d+\.\d+)\.\d+\/(\d+)$/.exec(node.spec?.podCIDR ?? "");
  if (m && Number(m[2]) <= 24) return { source: `${m[1]}.254`, origin: "pod" };
  const pod = pods.find((p) => p.spec.nodeName === name && p.status?.podIP);
  if (pod?.status?.podIP) return { source: pod.status.podIP, origin: "pod" };
  const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  if (ip) return { source: ip, origin: "node" };
  throw ApiError.badRequest(`node ${name ?? ""} has neither a pod range, pods nor an InternalIP to trace from`);
}

export interface ServicePathInput {
  registry: Registry;
  rules: NodeRulesSource;
  namespace: string;
  name: string;
  node: string | null;
  port: string | null;
  now?: () => Date;
  signal?: AbortSignal;
}

export async function servicePath(i: ServicePathInput): Promise<ServicePathView> {
  const service = (await i.registry.get(requireResource("", "v1", "services"), i.namespace, i.name)) as Service;
  const clusterIP = service.spec.clusterIP;
  if (!clusterIP || clusterIP === "None") {
    throw ApiError.badRequest(`service ${i.name} has no ClusterIP (${service.spec.type === "ExternalName" ? "ExternalName" : "headless"}): no proxy rules lead to it; pods connect to its DNS answers directly`);
  }
  if (!i.node) throw ApiError.badRequest("say which node's rules to walk: ?node=<node name>");
  const node = (await i.registry.get(requireResource("", "v1", "nodes"), undefined, i.node)) as Node;
  const port = choosePort(service, i.port);
  // Pods of the service's namespace only: what a user allowed to see this service may list.
  const pods = (await i.registry.list(requireResource("", "v1", "pods"), i.namespace)).items as Pod[];
  const { source, origin } = tracedSource(node, pods);
  const protocol = (port.protocol ?? "TCP") as Protocol;
  const packet: TracePacket = { source, destination: clusterIP, port: port.port, protocol, origin };
  const rules = await i.rules(node, i.signal);
  const readAt = (i.now ?? (() => new Date()))().toISOString().replace(/\.\d+Z$/, "Z");
  const base = {
    namespace: i.namespace,
    name: i.name,
    node: i.node,
    mode: rules.mode,
    port: { name: port.name ?? "", port: port.port, protocol },
    packet: { source, destination: clusterIP, port: port.port, protocol },
    readAt,
  };
  if (rules.mode === "userspace" || rules.mode === "none") {
    const note = rules.mode === "userspace" ? "the node's proxy runs in userspace mode: it listens on the service address itself and writes no rules to walk" : "the node runs no service proxy";
    return { ...base, countersKept: false, branches: [], note };
  }
  let trace: TraceResult;
  if (rules.mode === "nftables") {
    const table = parseNftJson(rules.nftJson ?? "", { family: FAMILY, name: TABLE });
    trace = traceNftPacket(table, packet, { localAddresses: rules.localAddresses });
    return { ...base, countersKept: false, branches: pathBranches(trace), note: "nftables: kube-proxy's rules keep no packet counters" };
  }
  const text = rules.iptablesSave ?? "";
  trace = tracePacket(parseRestore(text), packet, { localAddresses: rules.localAddresses });
  return { ...base, countersKept: true, branches: pathBranches(trace, chainCounters(text)) };
}
