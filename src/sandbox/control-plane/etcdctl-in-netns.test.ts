import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { etcdctlArgv } from "./etcdctl-in-netns.js";

describe("etcdctlArgv", () => {
  const cases: { name: string; options: Parameters<typeof etcdctlArgv>[0]; args: string[]; want: string[] }[] = [
    {
      name: "defaults: 3 s per command, 2 s to dial",
      options: { netns: "svcnet-a-cp-1", endpoints: ["http://127.0.0.1:2379"] },
      args: ["endpoint", "health"],
      want: ["ip", "netns", "exec", "svcnet-a-cp-1", "/usr/bin/etcdctl", "--endpoints=http://127.0.0.1:2379", "--dial-timeout=2000ms", "--command-timeout=3000ms", "endpoint", "health"],
    },
    {
      name: "a short deadline also shortens the dial",
      options: { netns: "n", endpoints: ["http://172.17.8.11:2379", "http://172.17.8.12:2379"], commandTimeoutMs: 250, binary: "/opt/etcdctl" },
      args: ["put", "k", "v"],
      want: ["ip", "netns", "exec", "n", "/opt/etcdctl", "--endpoints=http://172.17.8.11:2379,http://172.17.8.12:2379", "--dial-timeout=250ms", "--command-timeout=250ms", "put", "k", "v"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(etcdctlArgv(c.options, c.args), c.want));
  }
});
