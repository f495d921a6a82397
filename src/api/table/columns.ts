// Building blocks for column definitions. Descriptions are the API field documentation that
// Kubernetes 1.32 sends (the SwaggerDoc of the field a column shows), so `-o json` of a Table
// matches a real cluster's.

import type { TableColumnDefinition } from "../types.js";

/** ObjectMeta.name's documentation, the description of every `Name` column. */
export const OBJECT_META_NAME_DOC =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/** ObjectMeta.creationTimestamp's documentation, the description of every `Age` column. */
export const OBJECT_META_CREATION_TIMESTAMP_DOC =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** The description Kubernetes gives every `Containers` column of a workload. */
export const CONTAINERS_DOC = "Names of each container in the template.";

/** The description Kubernetes gives every `Images` column of a workload. */
export const IMAGES_DOC = "Images referenced by each container in the template.";

/** Optional parts of a column definition; defaults: type "string", format "", priority 0. */
export interface ColumnOptions {
  type?: TableColumnDefinition["type"];
  format?: string;
  /** 1 for columns kubectl shows only with `-o wide`. */
  priority?: number;
}

/** A column definition with the wire shape kubectl expects (every field present). */
export function column(name: string, description: string, options: ColumnOptions = {}): TableColumnDefinition {
  return {
    name,
    type: options.type ?? "string",
    format: options.format ?? "",
    description,
    priority: options.priority ?? 0,
  };
}

/** The `Name` column every printer starts with (format "name"). */
export function nameColumn(options: ColumnOptions = {}): TableColumnDefinition {
  return column("Name", OBJECT_META_NAME_DOC, { format: "name", ...options });
}

/** The `Age` column (a string cell from translateTimestampSince). */
export function ageColumn(): TableColumnDefinition {
  return column("Age", OBJECT_META_CREATION_TIMESTAMP_DOC);
}
