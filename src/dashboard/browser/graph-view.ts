/// <reference lib="dom" />
// The topology drawn with cytoscape (loaded as an ES module from /ui/vendor/): Nodes are compound
// boxes holding their pods, services sit in a band above them, edges run from each service to its
// endpoints' pods. Updates are applied as a diff (add, remove, change data) in one batch; positions
// come from cytoscape's grid layout run per box and for the service band, only when elements were
// added or removed — bounded work, no force simulation to freeze the page. A hidden list mirrors
// the drawing for screen readers (and for tests, which cannot read a canvas).

import type cytoscape from "cytoscape";
import type { GraphEdgeData, GraphNodeData, Topology } from "../model/topology-model.js";
import { h } from "./dom.js";

const cytoscapeModule = "/ui/vendor/cytoscape.esm.min.mjs";

const podW = 170;
const podH = 62;
const serviceW = 210;
const serviceH = 86;

const style: cytoscape.StylesheetJson = [
  { selector: "node", style: { label: "data(label)", "text-wrap": "wrap", "font-size": 10, "text-valign": "center", "text-halign": "center", shape: "round-rectangle" } },
  { selector: 'node[kind="node"], node[kind="unscheduled"]', style: { "background-color": "#eef2f7", "border-color": "#98a2b3", "border-width": 1, "text-valign": "top", "font-size": 12, "font-weight": "bold", padding: "14px" } },
  { selector: 'node[kind="unscheduled"]', style: { "border-style": "dashed" } },
  { selector: 'node[kind="pod"]', style: { "text-max-width": `${podW - 28}px`, "text-overflow-wrap": "anywhere", width: podW - 20, height: podH - 16, "background-color": "#d9f2e3", "border-color": "#2e9d5b", "border-width": 1.5 } },
  { selector: 'node[kind="pod"][!ready]', style: { "background-color": "#fde2e1", "border-color": "#d64545" } },
  { selector: 'node[kind="service"]', style: { "text-max-width": `${serviceW - 32}px`, "text-overflow-wrap": "anywhere", width: serviceW - 24, height: serviceH - 26, "background-color": "#e7ecff", "border-color": "#4c6ef5", "border-width": 1.5 } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#f59f00" } },
  { selector: "edge", style: { width: 1.5, "line-color": "#4c6ef5", "target-arrow-color": "#4c6ef5", "target-arrow-shape": "triangle", "curve-style": "straight", opacity: 0.7 } },
  { selector: "edge[!ready]", style: { "line-style": "dashed", "line-color": "#d64545", "target-arrow-color": "#d64545" } },
];

function sameData(a: Record<string, unknown>, b: GraphNodeData | GraphEdgeData): boolean {
  return Object.entries(b).every(([k, v]) => a[k] === v) && Object.keys(a).every((k) => k in b);
}

export class GraphView {
  readonly #cy: cytoscape.Core;
  readonly #index: HTMLUListElement;
  /** The position of each element in the last topology: services are placed in that order (those with endpoints first). */
  #order = new Map<string, number>();

  private constructor(cy: cytoscape.Core, index: HTMLUListElement) {
    this.#cy = cy;
    this.#index = index;
  }

  /** Loads the library and draws into `container`; `onSelect` gets the key of a clicked service. */
  static async create(container: HTMLElement, onSelect: (serviceKey: string) => void): Promise<GraphView> {
    const lib = ((await import(cytoscapeModule)) as { default: typeof cytoscape }).default;
    const canvas = h("div", { class: "canvas" });
    const index = h("ul", { id: "graph-index", class: "visually-hidden", "aria-label": "topology, as a list" });
    container.append(canvas, index);
    const cy = lib({ container: canvas, style, elements: [], minZoom: 0.05, maxZoom: 3, wheelSensitivity: 0.3, boxSelectionEnabled: false });
    cy.on("tap", 'node[kind="service"]', (e) => onSelect(String(e.target.data("key"))));
    return new GraphView(cy, index);
  }

  /** Makes the drawing show `t`; lays it out again only when elements came or went. */
  update(t: Topology): void {
    const cy = this.#cy;
    let structural = false;
    const wanted = new Set([...t.nodes.map((n) => n.id), ...t.edges.map((e) => e.id)]);
    const order = new Map(t.nodes.map((n, i) => [n.id, i]));
    const reordered = t.nodes.some((n) => n.kind === "service" && this.#order.get(n.id) !== order.get(n.id));
    this.#order = order;
    cy.batch(() => {
      const gone = cy.elements().filter((el) => !wanted.has(el.id()));
      if (gone.nonempty()) {
        structural = true;
        cy.remove(gone);
      }
      // Parents before children: boxes first in t.nodes order is not guaranteed, so add boxes first.
      const ordered = [...t.nodes.filter((n) => n.kind === "node" || n.kind === "unscheduled"), ...t.nodes.filter((n) => n.kind !== "node" && n.kind !== "unscheduled")];
      for (const n of ordered) {
        const el = cy.getElementById(n.id);
        if (el.empty()) {
          cy.add({ group: "nodes", data: { ...n } });
          structural = true;
        } else if (!sameData(el.data() as Record<string, unknown>, n)) {
          if ((el.data("parent") as string | undefined) !== n.parent) {
            el.move({ parent: n.parent ?? null });
            structural = true;
          }
          el.data({ ...n });
        }
      }
      for (const e of t.edges) {
        const el = cy.getElementById(e.id);
        if (el.empty()) {
          cy.add({ group: "edges", data: { ...e } });
          structural = true;
        } else if (!sameData(el.data() as Record<string, unknown>, e)) el.data({ ...e });
      }
    });
    if (structural || reordered) this.#layout();
    this.#index.replaceChildren(...t.nodes.map((n) => h("li", { "data-kind": n.kind, "data-key": n.key, ...(n.ready !== undefined ? { "data-ready": String(n.ready) } : {}) }, n.label.replaceAll("\n", " · "))));
  }

  /** Marks the selected service (or none). */
  select(serviceKey: string | undefined): void {
    this.#cy.$(":selected").unselect();
    if (serviceKey) this.#cy.getElementById(`svc:${serviceKey}`).select();
  }

  #layout(): void {
    const cy = this.#cy;
    const boxes = cy.nodes('[kind="node"], [kind="unscheduled"]').sort((a, b) => (a.id() === "unscheduled" ? 1 : b.id() === "unscheduled" ? -1 : a.id() < b.id() ? -1 : 1)).nodes();
    const grids = boxes.map((box) => {
      const n = Math.max(box.children().length, 1);
      const cols = Math.ceil(Math.sqrt(n));
      return { box, cols, rows: Math.ceil(n / cols) };
    });
    const boxesWidth = grids.reduce((w, g) => w + g.cols * podW + 60, 0);
    const rank = (id: string): number => this.#order.get(id) ?? Number.MAX_SAFE_INTEGER;
    const services = cy.nodes('[kind="service"]').sort((a, b) => rank(a.id()) - rank(b.id())).nodes();
    // As wide as the node boxes, or wider than tall when there are many services.
    const serviceCols = Math.max(1, Math.min(services.length, Math.max(3, Math.floor(boxesWidth / serviceW), Math.ceil(Math.sqrt(services.length * 2)))));
    const serviceRows = Math.ceil(services.length / serviceCols);
    const run = (els: cytoscape.NodeCollection, x1: number, y1: number, cols: number, rows: number, w: number, h: number): void => {
      if (els.empty()) return;
      els.layout({ name: "grid", boundingBox: { x1, y1, w: cols * w, h: rows * h }, cols, rows, fit: false, animate: false, avoidOverlap: true, condense: true, sort: (a, b) => rank(a.id()) - rank(b.id()) }).run();
    };
    run(services, Math.max(0, (boxesWidth - serviceCols * serviceW) / 2), 0, serviceCols, serviceRows, serviceW, serviceH);
    const top = serviceRows * serviceH + 120;
    let x = 0;
    for (const g of grids) {
      if (g.box.children().empty()) g.box.position({ x: x + podW / 2, y: top + podH / 2 });
      else run(g.box.children(), x, top, g.cols, g.rows, podW, podH);
      x += g.cols * podW + 60;
    }
    cy.fit(undefined, 24);
  }
}
