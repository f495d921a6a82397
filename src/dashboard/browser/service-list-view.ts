/// <reference lib="dom" />
// The list of services beside the graph: the ones matching the filter, at most `limit` rows (the
// rest counted), rebuilt in one go — cheap at thousands of services. A click selects a service.

import type { Service } from "../../api/types.js";
import { objectKey } from "../model/cluster-state.js";
import { h } from "./dom.js";

export class ServiceListView {
  readonly #el: HTMLElement;
  readonly #limit: number;
  #selected: string | undefined;
  #lastKeys = "";

  constructor(el: HTMLElement, onSelect: (key: string) => void, limit = 300) {
    this.#el = el;
    this.#limit = limit;
    el.addEventListener("click", (e) => {
      const li = (e.target as HTMLElement).closest("li[data-key]");
      if (li) onSelect(li.getAttribute("data-key") ?? "");
    });
  }

  update(matched: readonly Service[], selected: string | undefined): void {
    const shown = matched.slice(0, this.#limit);
    const keys = `${selected ?? ""}|${matched.length}|${shown.map((s) => `${objectKey(s)}@${s.metadata.resourceVersion ?? ""}`).join(",")}`;
    if (keys === this.#lastKeys) return;
    this.#lastKeys = keys;
    this.#selected = selected;
    const rows = shown.map((s) => {
      const key = objectKey(s);
      return h("li", { "data-key": key, title: key, ...(key === this.#selected ? { class: "selected" } : {}) }, s.metadata.name ?? "", " ", h("span", { class: "ns" }, `${s.metadata.namespace ?? ""} · ${s.spec?.clusterIP ?? ""}`));
    });
    if (matched.length > shown.length) rows.push(h("li", { class: "more" }, `… ${matched.length - shown.length} more: narrow the filter`));
    this.#el.replaceChildren(h("ul", {}, ...rows));
  }
}
