// Turns the --store flag into a Store: "sqlite" (a file in the data dir) or
// "etcd://host:port[,host:port]" (a real etcd cluster).

import { join } from "node:path";
import { EtcdStore } from "../storage/etcd-store.js";
import { SqliteStore } from "../storage/sqlite-store.js";
import type { Store } from "../storage/store.js";

export async function openStore(spec: string, o: { dataDir: string }): Promise<Store> {
  if (spec === "sqlite") return SqliteStore.open(join(o.dataDir, "state.db"));
  if (spec.startsWith("etcd://")) {
    const hosts = spec.slice("etcd://".length).split(",").filter(Boolean);
    if (!hosts.length || hosts.some((h) => !/^[^\s/:]+:\d+$/.test(h))) {
      throw new Error(`--store etcd:// needs host:port pairs, e.g. etcd://127.0.0.1:2379, got ${JSON.stringify(spec)}`);
    }
    try {
      return await EtcdStore.connect({ endpoints: hosts.map((h) => `http://${h}`), keyPrefix: "" });
    } catch (e) {
      throw new Error(`cannot reach etcd at ${hosts.join(",")}: ${e instanceof Error ? e.message : String(e)}; is etcd running?`);
    }
  }
  throw new Error(`--store must be "sqlite" or "etcd://host:port[,host:port]", got ${JSON.stringify(spec)}`);
}
