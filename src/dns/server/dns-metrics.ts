// The cluster DNS's Prometheus metrics, named as CoreDNS names them so the usual dashboards
// work: requests by protocol, family and type, responses by rcode, request duration, cache
// entries and dropped packets. Children are looked up once per label set, not per query.

import type { Transport } from "../wire/response-write.js";
import { rcodeName } from "../wire/dns-constants.js";
import type { CounterChild, HistogramChild } from "../../proxy/metrics/registry.js";
import { exponentialBuckets, Registry } from "../../proxy/metrics/registry.js";
import { metricType } from "./query-handler.js";

export class DnsMetrics {
  readonly registry = new Registry();
  readonly #requests;
  readonly #responses;
  readonly #duration;
  readonly #dropped;
  readonly #cacheEntries;
  readonly #children = new Map<number, { request: CounterChild; response: CounterChild; duration: HistogramChild }>();
  readonly #zone: string;

  constructor(o: { zone: string; cacheEntries: () => number; indexSize: () => Record<string, number> }) {
    this.#zone = `${o.zone}.`;
    const server = "dns://:53";
    this.#requests = this.registry.counter({ name: "coredns_dns_requests_total", help: "Counter of DNS requests made per zone, protocol and type.", labelNames: ["server", "zone", "proto", "type"] }).curry({ server });
    this.#responses = this.registry.counter({ name: "coredns_dns_responses_total", help: "Counter of response status codes.", labelNames: ["server", "zone", "rcode"] }).curry({ server });
    this.#duration = this.registry
      .histogram({ name: "coredns_dns_request_duration_seconds", help: "Histogram of the time (in seconds) each request took.", labelNames: ["server", "zone", "type"], buckets: exponentialBuckets(0.00025, 2, 16) })
      .curry({ server });
    this.#dropped = this.registry.counter({ name: "svcnet_dns_dropped_packets_total", help: "Packets dropped without an answer, by reason.", labelNames: ["reason"] });
    this.#cacheEntries = this.registry.gauge({ name: "coredns_cache_entries", help: "The number of elements in the cache.", labelNames: ["server", "type"] });
    const objects = this.registry.gauge({ name: "svcnet_dns_index_objects", help: "Objects in the cluster index, by kind.", labelNames: ["kind"] });
    // Gauges read at scrape time.
    const render = this.registry.render.bind(this.registry);
    this.registry.render = (): string => {
      this.#cacheEntries.set({ server, type: "response" }, o.cacheEntries());
      for (const [kind, n] of Object.entries(o.indexSize())) objects.set({ kind }, n);
      return render();
    };
  }

  /** Counts one answered query: `qtype` undefined when the question could not be read. */
  observe(transport: Transport, qtype: number | undefined, rcode: number, started: bigint): void {
    // A numeric key: names are worked out once per label set, not per query.
    const key = ((transport === "udp" ? 0 : 1) * 65_536 + (qtype ?? 65_535)) * 64 + (rcode & 63);
    let c = this.#children.get(key);
    if (!c) {
      const type = metricType(qtype);
      const rc = rcodeName(rcode);
      c = {
        request: this.#requests.labels({ zone: this.#zone, proto: transport, type }),
        response: this.#responses.labels({ zone: this.#zone, rcode: rc }),
        duration: this.#duration.labels({ zone: this.#zone, type }),
      };
      this.#children.set(key, c);
    }
    c.request.inc();
    c.response.inc();
    c.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  dropped(reason: string): void {
    this.#dropped.inc({ reason: reason.startsWith("a response") ? "response" : "short" });
  }
}
