/// <reference lib="dom" />
// The service view: its addresses and ports, its endpoints per node (from the page's watched state),
// a node and port chooser, the rule path a new connection takes on that node with each branch's
// probability and, for iptables, the packet counters of each chain (GET /ui/api/…/path, every 2 s
// while open), and the DNS names and environment variables a pod uses to reach it (…/reach).

import type { Service } from "../../api/types.js";
import type { PathBranch, PathStep, ServicePathView, ServiceReachView } from "../api-types.js";
import type { ClusterState } from "../model/cluster-state.js";
import { endpointsByNode, serviceAddresses } from "../model/service-summary.js";
import { byId, h } from "./dom.js";

const refreshMs = 2000;

/** A probability as the page prints it: up to five decimals, no trailing zeros (0.33333, 0.5, 1). */
export function formatProbability(p: number): string {
  return String(Number(p.toFixed(5)));
}

async function getView<T>(url: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  const body = (await res.json()) as T & { kind?: string; message?: string };
  if (!res.ok) throw new Error(body.message ?? `${res.status}`);
  return body;
}

function stepLine(s: PathStep, counters: boolean): HTMLElement {
  const p = s.ruleProbability !== undefined ? h("span", { class: "p" }, ` (rule p=${formatProbability(s.ruleProbability)})`) : undefined;
  const count = counters && s.packets !== undefined ? h("span", { class: "count", "data-chain": s.chain, "data-packets": String(s.packets) }, ` ${s.packets} pkts`) : undefined;
  const head = s.via === "hook" ? `${s.table} ${s.chain}` : `  ${s.via === "goto" ? "⇒" : "→"} ${s.chain}`;
  const did = s.did.length ? h("span", { class: "did" }, ` — ${s.did.join("; ")}`) : undefined;
  return h("div", { class: "chain", "data-chain": s.chain, "data-via": s.via }, head, p, count, did);
}

function branchBox(b: PathBranch, i: number, n: number, counters: boolean): HTMLElement {
  const end = b.verdict === "DNAT" ? `DNAT to ${b.dnat ?? ""}` : b.verdict;
  return h(
    "div",
    { class: "branch", "data-probability": String(b.probability), ...(b.dnat ? { "data-dnat": b.dnat } : {}) },
    h("div", { class: "head" }, `[${i + 1}/${n}] p=${formatProbability(b.probability)} ${end}${b.verdict === "DNAT" || b.verdict === "ACCEPT" ? `, masqueraded: ${b.masquerade ? "yes" : "no"}` : ""}`),
    ...b.steps.map((s) => stepLine(s, counters)),
  );
}

export class ServiceDetailView {
  readonly #el: HTMLElement;
  readonly #state: ClusterState;
  readonly #onClose: () => void;
  #key: string | undefined;
  #node = "";
  #port = "";
  #stop: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = -1;

  constructor(el: HTMLElement, state: ClusterState, onClose: () => void) {
    this.#el = el;
    this.#state = state;
    this.#onClose = onClose;
  }

  get key(): string | undefined {
    return this.#key;
  }

  show(key: string): void {
    this.hide();
    this.#key = key;
    this.#stop = new AbortController();
    const svc = this.#state.services.get(key);
    this.#node = [...this.#state.nodes.keys()].sort()[0] ?? "";
    this.#port = svc?.spec.ports?.[0] ? String(svc.spec.ports[0].name || svc.spec.ports[0].port) : "";
    this.#el.hidden = false;
    this.#el.replaceChildren(
      h("button", { class: "close", id: "detail-close", title: "close" }, "×"),
      h("h2", { id: "detail-title" }, key),
      h("div", { id: "detail-summary" }),
      h("h3", {}, "Rule path of a new connection from a pod of the node"),
      h("div", {}, "node ", h("select", { id: "path-node" }), " port ", h("select", { id: "path-port" })),
      h("div", { id: "path" }, "reading the node's rules…"),
      h("h3", {}, "DNS"),
      h("div", { id: "reach-dns" }, "…"),
      h("h3", {}, "Environment variables"),
      h("div", { id: "reach-env" }, "…"),
    );
    byId("detail-close").addEventListener("click", () => this.#onClose());
    byId<HTMLSelectElement>("path-node").addEventListener("change", (e) => {
      this.#node = (e.target as HTMLSelectElement).value;
      this.#refreshPath();
    });
    byId<HTMLSelectElement>("path-port").addEventListener("change", (e) => {
      this.#port = (e.target as HTMLSelectElement).value;
      this.#refreshPath();
    });
    this.#generation = -1;
    this.refresh();
    void this.#loadReach(key, this.#stop.signal);
    this.#refreshPath();
  }

  hide(): void {
    this.#stop?.abort();
    clearTimeout(this.#timer);
    this.#key = undefined;
    this.#el.hidden = true;
  }

  /** Redraws what comes from the watched state (addresses, ports, endpoints, choosers) when it changed. */
  refresh(): void {
    const key = this.#key;
    if (key === undefined || this.#generation === this.#state.generation) return;
    this.#generation = this.#state.generation;
    const svc = this.#state.services.get(key);
    const summary = byId("detail-summary");
    if (!svc) {
      summary.replaceChildren(h("p", { class: "error" }, "this service was deleted"));
      return;
    }
    summary.replaceChildren(...this.#summary(svc));
    this.#options(byId<HTMLSelectElement>("path-node"), [...this.#state.nodes.keys()].sort(), this.#node);
    this.#options(byId<HTMLSelectElement>("path-port"), (svc.spec.ports ?? []).map((p) => String(p.name || p.port)), this.#port);
  }

  #options(select: HTMLSelectElement, values: string[], chosen: string): void {
    if (Array.from(select.options, (o) => o.value).join("\n") === values.join("\n")) return;
    select.replaceChildren(...values.map((v) => h("option", { value: v, ...(v === chosen ? { selected: "" } : {}) }, v)));
  }

  #summary(svc: Service): HTMLElement[] {
    const ports = svc.spec.ports ?? [];
    const byNode = endpointsByNode(this.#state.endpoints.get(this.#key ?? ""), this.#state.pods);
    return [
      h("div", {}, `type ${svc.spec.type ?? "ClusterIP"}`, ...serviceAddresses(svc).map((a) => h("div", { class: "address" }, h("code", {}, a)))),
      h("h3", {}, "Ports"),
      h(
        "table",
        { id: "ports" },
        h("tr", {}, h("th", {}, "name"), h("th", {}, "port"), h("th", {}, "protocol"), h("th", {}, "targetPort"), h("th", {}, "nodePort")),
        ...ports.map((p) => h("tr", {}, h("td", {}, p.name ?? ""), h("td", {}, String(p.port)), h("td", {}, p.protocol ?? "TCP"), h("td", {}, String(p.targetPort ?? p.port)), h("td", {}, p.nodePort ? String(p.nodePort) : ""))),
      ),
      h("h3", {}, "Endpoints by node"),
      byNode.length === 0
        ? h("p", { class: "note" }, "no endpoints: no pod matches the selector, or none is running")
        : h(
            "table",
            { id: "endpoints" },
            ...byNode.map(([node, eps]) =>
              h("tr", {}, h("td", {}, node || "(no node)"), h("td", {}, ...eps.map((e) => h("div", { class: "endpoint", "data-ready": String(e.ready) }, `${e.ip}${e.pod ? ` ${e.pod}` : ""}${e.ready ? "" : " (not ready)"}`)))),
            ),
          ),
    ];
  }

  #refreshPath(): void {
    clearTimeout(this.#timer);
    const key = this.#key;
    const signal = this.#stop?.signal;
    if (key === undefined || !signal || signal.aborted) return;
    const [ns, name] = key.split("/");
    const url = `/ui/api/services/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/path?node=${encodeURIComponent(this.#node)}&port=${encodeURIComponent(this.#port)}`;
    const asked = `${this.#node}|${this.#port}`;
    getView<ServicePathView>(url, signal)
      .then((view) => {
        if (signal.aborted || asked !== `${this.#node}|${this.#port}`) return;
        const head = h("div", { class: "packet" }, `${view.packet.protocol} ${view.packet.source} → ${view.packet.destination}:${view.packet.port} on ${view.node} (${view.mode}; read ${view.readAt})`);
        const note = view.note ? h("p", { class: "note" }, view.note) : undefined;
        byId("path").replaceChildren(head, ...(note ? [note] : []), ...view.branches.map((b, i) => branchBox(b, i, view.branches.length, view.countersKept)));
      })
      .catch((e: unknown) => {
        if (!signal.aborted) byId("path").replaceChildren(h("p", { class: "error" }, e instanceof Error ? e.message : String(e)));
      })
      .finally(() => {
        if (!signal.aborted && this.#key === key) this.#timer = setTimeout(() => this.#refreshPath(), refreshMs);
      });
  }

  async #loadReach(key: string, signal: AbortSignal): Promise<void> {
    const [ns, name] = key.split("/");
    try {
      const view = await getView<ServiceReachView>(`/ui/api/services/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/reach`, signal);
      if (signal.aborted) return;
      byId("reach-dns").replaceChildren(
        h("p", {}, `search path of a pod in ${ns}: `, h("code", {}, view.searchPath.join(" "))),
        h(
          "table",
          { id: "dns" },
          h("tr", {}, h("th", {}, "name"), h("th", {}, "type"), h("th", {}, "answer"), h("th", {}, "")),
          ...view.dns.map((r) => h("tr", {}, h("td", {}, h("code", {}, r.name)), h("td", {}, r.type), h("td", {}, ...(r.answers.length ? r.answers.map((a) => h("div", {}, h("code", {}, a))) : ["(no answer)"])), h("td", {}, r.what))),
        ),
      );
      byId("reach-env").replaceChildren(
        view.env.length ? h("pre", { id: "env" }, view.env.map((v) => `${v.name}=${v.value}`).join("\n")) : h("p", { class: "note" }, "none: only services with a ClusterIP and ports give variables"),
      );
    } catch (e) {
      if (!signal.aborted) byId("reach-dns").replaceChildren(h("p", { class: "error" }, e instanceof Error ? e.message : String(e)));
    }
  }
}
