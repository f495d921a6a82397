import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { Event, TableCell } from "../types.js";
import { eventTablePrinter } from "./event-table.js";
import { ago, makeEvent, NOW, renderLikeKubectl } from "./table-fixtures.js";

describe("event printer", () => {
  it("has Kubernetes' columns in Kubernetes' order", () => {
    assert.deepEqual(eventTablePrinter.columns.map((c) => [c.name, c.format, c.priority]), [
      ["Last Seen", "", 0],
      ["Type", "", 0],
      ["Reason", "", 0],
      ["Object", "", 0],
      ["Subobject", "", 1],
      ["Source", "", 1],
      ["Message", "", 0],
      ["First Seen", "", 1],
      ["Count", "", 1],
      ["Name", "name", 1],
    ]);
  });

  it("prints every cell", () => {
    const ev = makeEvent("default", "nginx-controller-6bovu.17d9a1", (e) => {
      e.involvedObject.fieldPath = "spec.containers{nginx}";
      e.source = { component: "kubelet", host: "core-v2-01" };
      e.reason = "Pulled";
      e.message = "  Container image \"nginx\" already present on machine\n";
      e.firstTimestamp = ago({ m: 3 });
      e.lastTimestamp = ago({ m: 1 });
      e.count = 4;
    });
    assert.deepEqual(eventTablePrinter.cells(ev, NOW), [
      "60s",
      "Normal",
      "Pulled",
      "pod/nginx-controller-6bovu",
      "spec.containers{nginx}",
      "kubelet, core-v2-01",
      'Container image "nginx" already present on machine',
      "3m",
      4,
      "nginx-controller-6bovu.17d9a1",
    ]);
  });

  const cases: { name: string; event: Event; want: Record<number, TableCell> }[] = [
    {
      name: "LAST SEEN falls back to firstTimestamp",
      event: makeEvent("default", "e", (e) => {
        e.lastTimestamp = null;
        e.firstTimestamp = ago({ m: 7 });
      }),
      want: { 0: "7m", 7: "7m" },
    },
    {
      name: "new-style event: eventTime and series",
      event: makeEvent("default", "e", (e) => {
        e.firstTimestamp = null;
        e.lastTimestamp = null;
        e.count = 0;
        e.eventTime = "2016-06-18T03:23:42.000000Z";
        e.series = { count: 12, lastObservedTime: "2016-06-18T03:33:12.512345Z" };
        e.source = {};
        e.reportingComponent = "svcnet-controller";
        e.reportingInstance = "svcnet-controller-1";
      }),
      want: { 0: "29s", 5: "svcnet-controller, svcnet-controller-1", 7: "10m", 8: 12 },
    },
    {
      name: "singleton event without count counts 1",
      event: makeEvent("default", "e", (e) => {
        delete e.count;
      }),
      want: { 8: 1 },
    },
    {
      name: "no timestamps at all",
      event: makeEvent("default", "e", (e) => {
        e.firstTimestamp = null;
        e.lastTimestamp = null;
      }),
      want: { 0: "<unknown>", 7: "<unknown>" },
    },
    {
      name: "OBJECT lowercases the kind; kind alone without a name",
      event: makeEvent("default", "e", (e) => {
        e.involvedObject = { kind: "ReplicationController" };
      }),
      want: { 3: "replicationcontroller" },
    },
    {
      name: "OBJECT for a service",
      event: makeEvent("default", "e", (e) => {
        e.involvedObject = { kind: "Service", name: "nginx-service" };
        e.type = "Warning";
      }),
      want: { 1: "Warning", 3: "service/nginx-service" },
    },
    {
      name: "SOURCE without a host",
      event: makeEvent("default", "e"),
      want: { 5: "default-scheduler", 4: "" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cells = eventTablePrinter.cells(c.event, NOW);
      assert.equal(cells.length, eventTablePrinter.columns.length);
      for (const [i, v] of Object.entries(c.want)) assert.equal(cells[Number(i)], v, `cell ${i}`);
    });
  }

  it("renders like kubectl get events", () => {
    const ev = makeEvent("default", "e");
    assert.deepEqual(renderLikeKubectl(eventTablePrinter.columns, [eventTablePrinter.cells(ev, NOW)]), [
      "LAST SEEN   TYPE     REASON      OBJECT                       MESSAGE",
      "2m          Normal   Scheduled   pod/nginx-controller-6bovu   Successfully assigned default/nginx-controller-6bovu to core-v2-01",
    ]);
  });
});
