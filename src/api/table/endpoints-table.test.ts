import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { EndpointSubset } from "../types.js";
import { endpointsTablePrinter, formatEndpoints } from "./endpoints-table.js";
import { makeEndpoints, NOW, renderLikeKubectl, rowsOf } from "./table-fixtures.js";

const ips = (...list: string[]) => list.map((ip) => ({ ip }));

describe("formatEndpoints", () => {
  const cases: { name: string; subsets: EndpointSubset[] | undefined; want: string }[] = [
    { name: "no subsets", subsets: undefined, want: "<none>" },
    { name: "empty subsets", subsets: [], want: "<none>" },
    { name: "the seed's three pods", subsets: [{ addresses: ips("10.1.13.2", "10.1.13.3", "10.1.13.4"), ports: [{ port: 80, protocol: "TCP" }] }], want: "10.1.13.2:80,10.1.13.3:80,10.1.13.4:80" },
    {
      name: "a fourth address",
      subsets: [{ addresses: ips("10.1.13.2", "10.1.13.3", "10.1.13.4", "10.1.13.5"), ports: [{ port: 80 }] }],
      want: "10.1.13.2:80,10.1.13.3:80,10.1.13.4:80 + 1 more...",
    },
    {
      name: "ports × addresses, counted across subsets",
      subsets: [
        { addresses: ips("10.1.13.2", "10.1.13.3"), ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] },
        { addresses: ips("10.1.14.2"), ports: [{ port: 80 }] },
      ],
      want: "10.1.13.2:80,10.1.13.3:80,10.1.13.2:443 + 2 more...",
    },
    { name: "headless without ports shows bare IPs", subsets: [{ addresses: ips("10.1.13.2", "10.1.13.3") }], want: "10.1.13.2,10.1.13.3" },
    { name: "IPv6 bracketed", subsets: [{ addresses: ips("fd00:10:1::2"), ports: [{ port: 80 }] }], want: "[fd00:10:1::2]:80" },
    { name: "only not-ready addresses print nothing", subsets: [{ notReadyAddresses: ips("10.1.13.2"), ports: [{ port: 80 }] }], want: "" },
    {
      name: "not-ready addresses are not counted",
      subsets: [{ addresses: ips("10.1.13.2"), notReadyAddresses: ips("10.1.13.3", "10.1.13.4", "10.1.13.5"), ports: [{ port: 80 }] }],
      want: "10.1.13.2:80",
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(formatEndpoints(c.subsets), c.want));
});

describe("endpoints printer", () => {
  const kubernetes = makeEndpoints("default", "kubernetes", (e) => {
    e.metadata.creationTimestamp = "2016-06-18T03:24:42Z";
    e.subsets = [{ addresses: ips("172.17.8.101"), ports: [{ name: "https", port: 6443, protocol: "TCP" }] }];
  });
  const nginx = makeEndpoints("default", "nginx-service", (e) => {
    e.subsets = [{ addresses: ips("10.1.13.2", "10.1.13.3", "10.1.13.4"), ports: [{ port: 80, protocol: "TCP" }] }];
  });

  it("has Kubernetes' columns", () => {
    assert.deepEqual(endpointsTablePrinter.columns.map((c) => [c.name, c.format, c.priority]), [
      ["Name", "name", 0],
      ["Endpoints", "", 0],
      ["Age", "", 0],
    ]);
  });

  it("renders like kubectl get ep in the seed", () => {
    assert.deepEqual(renderLikeKubectl(endpointsTablePrinter.columns, rowsOf(endpointsTablePrinter, [kubernetes, nginx])), [
      "NAME            ENDPOINTS                                AGE",
      "kubernetes      172.17.8.101:6443                        9m",
      "nginx-service   10.1.13.2:80,10.1.13.3:80,10.1.13.4:80   4m",
    ]);
  });

  it("cells of an empty Endpoints", () => {
    assert.deepEqual(endpointsTablePrinter.cells(makeEndpoints("default", "empty"), NOW), ["empty", "<none>", "4m"]);
  });
});
