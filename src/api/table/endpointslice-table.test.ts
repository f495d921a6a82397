import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { EndpointSlice } from "../types.js";
import { endpointSliceTablePrinter } from "./endpointslice-table.js";
import { makeEndpointSlice, NOW, renderLikeKubectl } from "./table-fixtures.js";

const ready = (...addresses: string[]) => ({ addresses, conditions: { ready: true } });

describe("endpointslice printer", () => {
  it("has Kubernetes' columns", () => {
    assert.deepEqual(endpointSliceTablePrinter.columns.map((c) => c.name), ["Name", "AddressType", "Ports", "Endpoints", "Age"]);
  });

  const cases: { name: string; slice: EndpointSlice; want: [string, string, string] }[] = [
    { name: "empty slice of a selector service with no pods", slice: makeEndpointSlice("default", "s"), want: ["IPv4", "<unset>", "<unset>"] },
    {
      name: "null ports and endpoints",
      slice: makeEndpointSlice("default", "s", (s) => {
        s.ports = null;
        s.endpoints = null;
      }),
      want: ["IPv4", "<unset>", "<unset>"],
    },
    {
      name: "the seed's three pods",
      slice: makeEndpointSlice("default", "s", (s) => {
        s.ports = [{ name: "", port: 80, protocol: "TCP" }];
        s.endpoints = [ready("10.1.13.2"), ready("10.1.13.3"), ready("10.1.13.4")];
      }),
      want: ["IPv4", "80", "10.1.13.2,10.1.13.3,10.1.13.4"],
    },
    {
      name: "a fourth endpoint, not ready, still counts",
      slice: makeEndpointSlice("default", "s", (s) => {
        s.ports = [{ name: "", port: 80, protocol: "TCP" }];
        s.endpoints = [ready("10.1.13.2"), ready("10.1.13.3"), ready("10.1.13.4"), { addresses: ["10.1.13.5"], conditions: { ready: false } }];
      }),
      want: ["IPv4", "80", "10.1.13.2,10.1.13.3,10.1.13.4 + 1 more..."],
    },
    {
      name: "port without number shows its name, else *; more than three",
      slice: makeEndpointSlice("default", "s", (s) => {
        s.ports = [{ name: "http", port: 80 }, { name: "dns" }, {}, { name: "x", port: 9000 }, { port: 9001 }];
      }),
      want: ["IPv4", "80,dns,* + 2 more...", "<unset>"],
    },
    {
      name: "IPv6 addresses are bare",
      slice: makeEndpointSlice("default", "s", (s) => {
        s.addressType = "IPv6";
        s.ports = [{ name: "", port: 80 }];
        s.endpoints = [ready("fd00:10:1::2")];
      }),
      want: ["IPv6", "80", "fd00:10:1::2"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(endpointSliceTablePrinter.cells(c.slice, NOW), ["s", ...c.want, "4m"]));
  }

  it("renders like kubectl get endpointslices", () => {
    const slice = makeEndpointSlice("default", "nginx-service-x7k2p", (s) => {
      s.ports = [{ name: "", port: 80, protocol: "TCP" }];
      s.endpoints = [ready("10.1.13.2"), ready("10.1.13.3"), ready("10.1.13.4")];
    });
    assert.deepEqual(renderLikeKubectl(endpointSliceTablePrinter.columns, [endpointSliceTablePrinter.cells(slice, NOW)]), [
      "NAME                  ADDRESSTYPE   PORTS   ENDPOINTS                       AGE",
      "nginx-service-x7k2p   IPv4          80      10.1.13.2,10.1.13.3,10.1.13.4   4m",
    ]);
  });
});
