import assert from "node:assert/strict";
import { test } from "node:test";
import { requireResource } from "../api/resources.js";
import { reflectResource } from "./registry-reflector.js";
import { startTestApi } from "./test-api.js";

test("reflectResource: the list first, then each change; it stops with its signal", async () => {
  const t = await startTestApi();
  const stop = new AbortController();
  try {
    const configmaps = requireResource("", "v1", "configmaps");
    await t.registry.create(configmaps, "default", { metadata: { name: "before" } });
    const seen: string[] = [];
    let synced!: () => void;
    const ready = new Promise<void>((r) => (synced = r));
    const done = reflectResource(
      t.registry,
      configmaps,
      {
        replace: (items) => seen.push(`list ${items.map((o) => o.metadata.name).filter((n) => n === "before").join(",")}`),
        event: (ev) => seen.push(`${ev.type} ${ev.object.metadata.name ?? ""}`),
      },
      stop.signal,
      { who: "test", onSynced: synced },
    );
    await ready;
    await t.registry.create(configmaps, "default", { metadata: { name: "after" } });
    await t.registry.delete(configmaps, "default", "before");
    for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, ["list before", "ADDED after", "DELETED before"]);
    stop.abort();
    await done;
  } finally {
    stop.abort();
    t.close();
  }
});
