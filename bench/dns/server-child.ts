// A `svcnet dns` serving one dataset, fed straight into its index (no API server: the benchmark
// measures answering, not watching). Prints "ready <port> <rss-empty> <rss-loaded> <heap-empty> <heap-loaded>" (bytes)
// once listening (and the heap in use before and after, after a GC: what the index retains). Run by bench/dns-perf.ts: node server-child.js <small|large> <port>.

import { DnsMetrics } from "../../src/dns/server/dns-metrics.js";
import { listenDns } from "../../src/dns/server/dns-listener.js";
import { QueryHandler } from "../../src/dns/server/query-handler.js";
import { ClusterIndex } from "../../src/dns/zone/cluster-index.js";
import { largeDataset, smallDataset } from "./datasets.js";

const [which, portText] = process.argv.slice(2);
global.gc?.();
const rssEmpty = process.memoryUsage().rss;
const heapEmpty = process.memoryUsage().heapUsed;
const dataset = which === "large" ? largeDataset() : smallDataset();
const index = new ClusterIndex();
for (const n of dataset.namespaces) index.setNamespace(n);
for (const s of dataset.services) index.setService(s);
for (const s of dataset.slices) index.setSlice(s);
// The objects themselves are garbage once indexed, as an informer's copies would be replaced.
dataset.services.length = 0;
dataset.slices.length = 0;
global.gc?.();
const rssLoaded = process.memoryUsage().rss;
const heapLoaded = process.memoryUsage().heapUsed;
const cache = { entries: (): number => 0 };
const metrics = new DnsMetrics({ zone: "cluster.local", cacheEntries: () => cache.entries(), indexSize: () => index.size() });
const handler = new QueryHandler({ index, metrics, resolve: { zone: "cluster.local", ttl: 5, pods: "disabled", dnsService: { namespace: "kube-system", name: "kube-dns" } }, synced: () => true });
cache.entries = () => handler.cacheEntries;
const listener = await listenDns({ handler, host: "127.0.0.1", port: Number(portText ?? 0) });
console.log(`ready ${listener.port} ${rssEmpty} ${rssLoaded} ${heapEmpty} ${heapLoaded}`);
process.on("SIGTERM", () => void listener.close().then(() => process.exit(0)));
