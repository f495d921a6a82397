import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import type { Endpoints } from "../types.js";
import { defaultEndpoints } from "../defaults/endpoints.js";
import { validateEndpoints } from "./endpoints.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

function makeEndpoints(subsets: Endpoints["subsets"]): Endpoints {
  const ep: Endpoints = { apiVersion: "v1", kind: "Endpoints", metadata: { name: "nginx-service", namespace: "default" }, subsets };
  defaultEndpoints(ep);
  return ep;
}

test("endpoints", async (t) => {
  const cases: { name: string; ep: Endpoints; want: string }[] = [
    { name: "valid", ep: makeEndpoints([{ addresses: [{ ip: "10.1.13.5" }], ports: [{ port: 80 }] }]), want: "" },
    { name: "no subsets", ep: makeEndpoints([]), want: "" },
    {
      name: "subset without addresses",
      ep: makeEndpoints([{ ports: [{ port: 80 }] }]),
      want: "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`",
    },
    {
      name: "bad address",
      ep: makeEndpoints([{ addresses: [{ ip: "10.1.13" }], ports: [{ port: 80 }] }]),
      want:
        `[subsets[0].addresses[0].ip: Invalid value: "10.1.13": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), ` +
        `subsets[0].addresses[0].ip: Invalid value: "10.1.13": must be a valid IP address]`,
    },
    {
      name: "loopback address",
      ep: makeEndpoints([{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: 80 }] }]),
      want: `subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
    },
    {
      name: "unnamed ports when several",
      ep: makeEndpoints([{ addresses: [{ ip: "10.1.13.5" }], ports: [{ port: 80 }, { name: "https", port: 443 }] }]),
      want: "subsets[0].ports[0].name: Required value",
    },
    {
      name: "port out of range",
      ep: makeEndpoints([{ addresses: [{ ip: "10.1.13.5" }], ports: [{ port: 0 }] }]),
      want: "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(validateEndpoints(c.ep)), c.want));
});
