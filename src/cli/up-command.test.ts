import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { upMode } from "./up-command.js";

describe("upMode", () => {
  const cases: { name: string; argv: string[]; expect: ReturnType<typeof upMode> }[] = [
    { name: "no flags: the embedded control plane", argv: [], expect: { ok: true, ha: false } },
    { name: "an etcd URL is still one in-process server", argv: ["--store", "etcd://127.0.0.1:2379"], expect: { ok: true, ha: false } },
    { name: "--servers 1 without etcd", argv: ["--nodes", "2", "--servers", "1"], expect: { ok: true, ha: false } },
    { name: "--store etcd: 1 server, 3 members", argv: ["--store", "etcd"], expect: { ok: true, ha: true, servers: 1, etcdMembers: 3 } },
    { name: "--store=etcd with counts", argv: ["--nodes", "3", "--store=etcd", "--servers", "2", "--etcd-members=3"], expect: { ok: true, ha: true, servers: 2, etcdMembers: 3 } },
    { name: "--servers 2 without etcd", argv: ["--servers", "2"], expect: { ok: false, error: "--servers 2 needs --store etcd (several API servers share one etcd cluster): add --store etcd" } },
    { name: "--etcd-members without etcd", argv: ["--etcd-members", "3"], expect: { ok: false, error: "--etcd-members needs --store etcd (it sizes the etcd cluster that svcnet up runs): add --store etcd" } },
    { name: "more servers than members", argv: ["--store", "etcd", "--servers", "3", "--etcd-members", "1"], expect: { ok: false, error: "--servers 3 needs at least 3 etcd members (each server runs on an etcd member's machine): use --etcd-members 3" } },
    { name: "zero servers", argv: ["--store", "etcd", "--servers", "0"], expect: { ok: false, error: '--servers must be an integer from 1 to 9, got "0"' } },
    { name: "too many members", argv: ["--store", "etcd", "--etcd-members", "10"], expect: { ok: false, error: '--etcd-members must be an integer from 1 to 9, got "10"' } },
  ];
  for (const tc of cases) {
    it(tc.name, () => assert.deepEqual(upMode(tc.argv), tc.expect));
  }
});
