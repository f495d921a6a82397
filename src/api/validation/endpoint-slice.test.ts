import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import { deepCopy } from "../json.js";
import type { EndpointSlice } from "../types.js";
import { defaultEndpointSlice } from "../defaults/endpoints.js";
import { validateEndpointSlice, validateEndpointSliceUpdate } from "./endpoint-slice.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

function makeSlice(edit: (s: EndpointSlice) => void = () => {}): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "nginx-service-abcde", namespace: "default", labels: { "kubernetes.io/service-name": "nginx-service" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.1.13.5"], conditions: { ready: true } }],
    ports: [{ port: 80 }],
  };
  edit(s);
  defaultEndpointSlice(s);
  return s;
}

test("endpoint slices", async (t) => {
  const cases: { name: string; slice: EndpointSlice; want: string }[] = [
    { name: "valid", slice: makeSlice(), want: "" },
    { name: "empty slice", slice: makeSlice((s) => ((s.endpoints = []), (s.ports = []))), want: "" },
    { name: "addressType required", slice: makeSlice((s) => (s.addressType = "" as "IPv4")), want: "addressType: Required value" },
    {
      name: "unsupported addressType",
      slice: makeSlice((s) => (s.addressType = "IP" as "IPv4")),
      want: `addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"`,
    },
    {
      name: "IPv6 address in an IPv4 slice",
      slice: makeSlice((s) => (s.endpoints = [{ addresses: ["fd00::1"] }])),
      want: `endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address`,
    },
    { name: "endpoint without addresses", slice: makeSlice((s) => (s.endpoints = [{ addresses: [] }])), want: "endpoints[0].addresses: Required value: must contain at least 1 address" },
    {
      name: "too many endpoints",
      slice: makeSlice((s) => (s.endpoints = Array.from({ length: 1001 }, (_, i) => ({ addresses: [`10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`] })))),
      want: "endpoints: Too many: 1001: must have at most 1000 items",
    },
    { name: "duplicate port names", slice: makeSlice((s) => (s.ports = [{ port: 80 }, { port: 81 }])), want: `ports[1].name: Duplicate value: ""` },
    {
      name: "FQDN with one segment",
      slice: makeSlice((s) => ((s.addressType = "FQDN"), (s.endpoints = [{ addresses: ["localhost"] }]))),
      want: `endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots`,
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(validateEndpointSlice(c.slice)), c.want));
});

test("slice addressType is immutable", () => {
  const old = makeSlice();
  const next = deepCopy(old);
  next.addressType = "IPv6";
  next.endpoints = [{ addresses: ["fd00::5"] }];
  assert.equal(msg(validateEndpointSliceUpdate(next, old)), `addressType: Invalid value: "IPv6": field is immutable`);
});
