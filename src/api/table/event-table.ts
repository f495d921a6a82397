// `kubectl get events` (core/v1): Last Seen, Type, Reason, Object, Message, and wide
// Subobject, Source, First Seen, Count, Name — in Kubernetes' column order, wide ones
// interleaved.

import { deepFreeze } from "../json.js";
import type { Event, KubeObject, TableCell } from "../types.js";
import { column, OBJECT_META_NAME_DOC } from "./columns.js";
import { parseTimestamp, translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const columns = deepFreeze([
  column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
  column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
  column(
    "Reason",
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  ),
  column("Object", "The object that this event is about."),
  column(
    "Subobject",
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
    { priority: 1 },
  ),
  column("Source", "The component reporting this event. Should be a short machine understandable string.", { priority: 1 }),
  column("Message", "A human-readable description of the status of this operation."),
  column("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", {
    priority: 1,
  }),
  column("Count", "The number of times this event has occurred.", { priority: 1 }),
  column("Name", OBJECT_META_NAME_DOC, { priority: 1, format: "name" }),
]);

/** FIRST SEEN: firstTimestamp's age, falling back to eventTime's; `<unknown>` without either. */
export function eventFirstSeen(ev: Event, now: Date): string {
  if (parseTimestamp(ev.firstTimestamp) !== undefined) return translateTimestampSince(ev.firstTimestamp, now);
  return translateTimestampSince(ev.eventTime, now);
}

/** LAST SEEN: series.lastObservedTime when a series exists, else lastTimestamp, else FIRST SEEN. */
export function eventLastSeen(ev: Event, now: Date): string {
  if (ev.series) return translateTimestampSince(ev.series.lastObservedTime, now);
  if (parseTimestamp(ev.lastTimestamp) !== undefined) return translateTimestampSince(ev.lastTimestamp, now);
  return eventFirstSeen(ev, now);
}

/** COUNT: series.count for a series, else count, with 1 for singleton events that have none. */
export function eventCount(ev: Event): number {
  if (ev.series) return ev.series.count ?? 0;
  return ev.count || 1;
}

/** OBJECT: `lowercase(kind)/name`, or just the lowercased kind when the name is empty. */
export function eventObject(ev: Event): string {
  const kind = (ev.involvedObject?.kind ?? "").toLowerCase();
  const name = ev.involvedObject?.name ?? "";
  return name === "" ? kind : `${kind}/${name}`;
}

/** SOURCE: component (else reportingComponent), then `, host` (else reportingInstance) if any. */
export function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || "";
  const instance = ev.source?.host || ev.reportingInstance || "";
  return instance === "" ? component : `${component}, ${instance}`;
}

/** The core/v1 event printer. */
export const eventTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const ev = obj as Event;
    return [
      eventLastSeen(ev, now),
      ev.type ?? "",
      ev.reason ?? "",
      eventObject(ev),
      ev.involvedObject?.fieldPath ?? "",
      eventSource(ev),
      (ev.message ?? "").trim(),
      eventFirstSeen(ev, now),
      eventCount(ev),
      ev.metadata?.name ?? "",
    ];
  },
};
