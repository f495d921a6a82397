/// <reference lib="dom" />
// The dashboard page: watches nodes, pods, services and endpoints (list + watch with the session
// cookie), and redraws the topology, the service list and the open service view from that state —
// at most once per 40 ms however many events arrive, and at once when the filter changes.

import type { Kind } from "../model/cluster-state.js";
import { ClusterState } from "../model/cluster-state.js";
import { topology } from "../model/topology-model.js";
import { byId } from "./dom.js";
import { GraphView } from "./graph-view.js";
import { ServiceDetailView } from "./service-detail-view.js";
import { ServiceListView } from "./service-list-view.js";
import { listAndWatch } from "./watch-client.js";

const resources: [Kind, string][] = [
  ["nodes", "/api/v1/nodes"],
  ["pods", "/api/v1/pods"],
  ["services", "/api/v1/services"],
  ["endpoints", "/api/v1/endpoints"],
];

async function start(): Promise<void> {
  const state = new ClusterState();
  const filter = byId<HTMLInputElement>("filter");
  const statusEl = byId("status");
  const showing = byId("showing");
  let query = filter.value;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let drawn = -1;
  let drawnQuery = "";

  const detail = new ServiceDetailView(byId("detail"), state, () => select(undefined));
  const list = new ServiceListView(byId("service-list"), (key) => select(key));
  const graph = await GraphView.create(byId("graph"), (key) => select(key));

  function render(): void {
    pending = undefined;
    if (drawn === state.generation && drawnQuery === query) return;
    const started = performance.now();
    drawn = state.generation;
    drawnQuery = query;
    const t = topology(state, query);
    graph.update(t);
    list.update(t.matched, detail.key);
    showing.textContent = `showing ${t.shownServices} of ${t.totalServices} services${t.matchedServices > t.shownServices ? ` (${t.matchedServices} match: narrow the filter)` : ""}`;
    detail.refresh();
    document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
    document.body.dataset.renderedQuery = query;
  }

  function schedule(delayMs = 40): void {
    if (delayMs === 0) {
      clearTimeout(pending);
      render();
    } else pending ??= setTimeout(render, delayMs);
  }

  function select(key: string | undefined): void {
    if (key === undefined) detail.hide();
    else detail.show(key);
    graph.select(key);
    drawn = -1;
    schedule(0);
  }

  filter.addEventListener("input", () => {
    query = filter.value;
    schedule(0);
  });

  const live = new Set<Kind>();
  const stop = new AbortController();
  const showStatus = (): void => {
    const ok = live.size === resources.length;
    statusEl.textContent = ok ? "live" : `connecting… (${live.size}/${resources.length} watches)`;
    statusEl.className = `status ${ok ? "live" : "down"}`;
  };
  for (const [kind, path] of resources) {
    void listAndWatch(
      path,
      {
        onList: (items) => {
          state.replace(kind, items);
          schedule();
        },
        onEvent: (ev) => {
          if (state.apply(kind, ev)) schedule();
        },
        onStatus: (s, detailText) => {
          if (s === "live") live.add(kind);
          else live.delete(kind);
          showStatus();
          if (detailText) statusEl.title = detailText;
        },
      },
      stop.signal,
    );
  }
  showStatus();
}

start().catch((e: unknown) => {
  const el = document.getElementById("status");
  if (el) {
    el.textContent = `failed to start: ${e instanceof Error ? e.message : String(e)}`;
    el.className = "status down";
  }
});
