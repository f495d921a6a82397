// The shape of a message table, and the small notation the tables are written in.
//
// Each message is one string of fields separated by "; ". A field reads
//   <number> <jsonName> <type><suffix>
// where <type> is string, int32, int64, bool or bytes; a message name (bare for the same
// package, or prefixed by a package alias such as meta.ObjectMeta); or map<V> for a map with
// string keys and values of type V. A leading "..." on the type marks a Go struct embedded
// inline: its fields appear directly in the parent's JSON. Suffixes:
//   []  repeated
//   ?   a Go pointer: sent only when set, so a zero value on the wire is kept
//   !   a field Go's JSON always emits (no omitempty), so a zero value on the wire is kept
// Scalars without ? or ! are dropped from the JSON when zero, as omitempty would drop them.

/** Scalar types carried by the tables. */
export type ScalarType = "string" | "int32" | "int64" | "bool" | "bytes";

const scalarTypes: ReadonlySet<string> = new Set<ScalarType>(["string", "int32", "int64", "bool", "bytes"]);

/** Package aliases usable as message-name prefixes in the tables. */
export const packageAliases: Readonly<Record<string, string>> = {
  core: "k8s.io.api.core.v1",
  apps: "k8s.io.api.apps.v1",
  policy: "k8s.io.api.policy.v1",
  meta: "k8s.io.apimachinery.pkg.apis.meta.v1",
  intstr: "k8s.io.apimachinery.pkg.util.intstr",
  resource: "k8s.io.apimachinery.pkg.api.resource",
};

/** One field of a message, as the decoder needs it. */
export interface FieldSpec {
  readonly number: number;
  /** The field's name in JSON. */
  readonly name: string;
  /** A ScalarType, or the full name of a message (k8s.io.api.core.v1.PodSpec). For maps, the value type. */
  readonly type: string;
  readonly scalar: boolean;
  readonly cardinality: "single" | "repeated" | "map";
  /** Zero scalars are kept in the JSON (pointer or non-omitempty field). */
  readonly keepZero: boolean;
  /** The message's JSON fields are merged into the parent object. */
  readonly inline: boolean;
}

/** A message: its full protobuf name and its fields by number. */
export interface MessageSpec {
  readonly name: string;
  readonly fields: ReadonlyMap<number, FieldSpec>;
}

const fieldPattern = /^(\d+) ([A-Za-z][A-Za-z0-9]*) (\.\.\.)?(?:map<([\w.]+)>|([\w.]+))(\[\]|\?|!)?$/;

function resolveType(type: string, pkg: string): { type: string; scalar: boolean } {
  if (scalarTypes.has(type)) return { type, scalar: true };
  const dot = type.indexOf(".");
  if (dot < 0) return { type: `${pkg}.${type}`, scalar: false };
  const alias = packageAliases[type.slice(0, dot)];
  if (alias === undefined) throw new Error(`protobuf table: unknown package alias in ${type}`);
  return { type: `${alias}.${type.slice(dot + 1)}`, scalar: false };
}

function parseField(text: string, pkg: string, message: string): FieldSpec {
  const m = fieldPattern.exec(text.trim());
  if (!m) throw new Error(`protobuf table: cannot parse field "${text}" of ${message}`);
  const [, num, name, inline, mapValue, single, suffix] = m;
  const { type, scalar } = resolveType(mapValue ?? single, pkg);
  const isMap = mapValue !== undefined;
  if ((isMap || inline) && suffix) throw new Error(`protobuf table: suffix not allowed on ${name} of ${message}`);
  if (inline && scalar) throw new Error(`protobuf table: inline scalar ${name} of ${message}`);
  return {
    number: Number(num),
    name,
    type,
    scalar,
    cardinality: isMap ? "map" : suffix === "[]" ? "repeated" : "single",
    keepZero: suffix === "?" || suffix === "!",
    inline: inline !== undefined,
  };
}

/**
 * Parses the table of one package (`defs`: message name → field list in the notation above).
 * Throws on a malformed entry or a duplicate field number; references to other messages are
 * checked by the registry, which sees every table.
 */
export function defineMessages(pkg: string, defs: Readonly<Record<string, string>>): MessageSpec[] {
  return Object.entries(defs).map(([short, text]) => {
    const name = `${pkg}.${short}`;
    const fields = new Map<number, FieldSpec>();
    for (const part of text.split(";")) {
      if (part.trim() === "") continue;
      const f = parseField(part, pkg, name);
      if (fields.has(f.number)) throw new Error(`protobuf table: field ${f.number} twice in ${name}`);
      fields.set(f.number, f);
    }
    return { name, fields };
  });
}
