import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { containerCells, joinHostPort, listWithMore } from "./format-list.js";

describe("joinHostPort", () => {
  const cases = [
    { name: "IPv4", host: "10.1.13.2", port: 80, want: "10.1.13.2:80" },
    { name: "IPv6 bracketed", host: "fd00::2", port: 80, want: "[fd00::2]:80" },
    { name: "hostname", host: "db.example.com", port: "5432", want: "db.example.com:5432" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(joinHostPort(c.host, c.port), c.want));
});

describe("listWithMore", () => {
  const cases: { name: string; items: string[]; want: string }[] = [
    { name: "none is unset", items: [], want: "<unset>" },
    { name: "one", items: ["a"], want: "a" },
    { name: "three", items: ["a", "b", "c"], want: "a,b,c" },
    { name: "four", items: ["a", "b", "c", "d"], want: "a,b,c + 1 more..." },
    { name: "ten", items: "abcdefghij".split(""), want: "a,b,c + 7 more..." },
    { name: "a lone empty string is unset", items: [""], want: "<unset>" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(listWithMore(c.items), c.want));
});

describe("containerCells", () => {
  it("joins names and images", () => {
    assert.deepEqual(containerCells([{ name: "nginx", image: "nginx:1.27" }, { name: "sidecar", image: "busybox" }]), {
      names: "nginx,sidecar",
      images: "nginx:1.27,busybox",
    });
  });
  it("no containers", () => assert.deepEqual(containerCells(undefined), { names: "", images: "" }));
});
