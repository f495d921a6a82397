// Reads one @kubernetes/client-node generated model from its two files: the `.js` file holds the
// attribute type map (field name, wire name, TypeScript type, OpenAPI format); the `.d.ts` file
// holds the class description, the field descriptions and which fields are required (no `?`).
// Pure text parsing: nothing is executed or imported.

/** One field of a generated model, as client-node describes it. */
export interface ModelAttribute {
  /** The JSON field name. */
  name: string;
  /** client-node's TypeScript type: "string", "number", "Date", "V1ServiceSpec", "Array<...>", "{ [key: string]: T; }", … */
  type: string;
  /** The OpenAPI format: "", "int32", "int64", "double", "byte", "date-time", "date-time-micro", "int-or-string". */
  format: string;
  description?: string;
  required: boolean;
}

/** A generated model class: its description and fields in client-node's (alphabetical) order. */
export interface Model {
  className: string;
  description?: string;
  attributes: ModelAttribute[];
}

/** The raw file texts of one model. */
export interface ModelFiles {
  js: string;
  dts: string;
}

interface RawAttribute {
  /** The TypeScript property name (differs from the wire name for e.g. `_default`). */
  name: string;
  baseName: string;
  type: string;
  format: string;
}

function isRawAttribute(v: unknown): v is RawAttribute {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.name === "string" && typeof r.baseName === "string" && typeof r.type === "string" && typeof r.format === "string";
}

/** Parses the `X.attributeTypeMap = [...]` JSON array out of a model's `.js` text; throws if absent or malformed. */
export function parseAttributeTypeMap(className: string, js: string): RawAttribute[] {
  const start = js.indexOf(`${className}.attributeTypeMap = [`);
  if (start < 0) throw new Error(`${className}: no attributeTypeMap`);
  const open = js.indexOf("[", start);
  const close = js.indexOf("\n];", open);
  if (close < 0) throw new Error(`${className}: unterminated attributeTypeMap`);
  const parsed: unknown = JSON.parse(js.slice(open, close + 2));
  if (!Array.isArray(parsed) || !parsed.every(isRawAttribute)) throw new Error(`${className}: unexpected attributeTypeMap shape`);
  return parsed;
}

/** Undoes the generator's backslash escaping of doc comment text (`\'` → `'`, `\\` → `\`). */
export function unescapeDocText(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

function commentText(lines: string[]): string {
  return unescapeDocText(
    lines
      .map((l) => l.replace(/^\s*\*\s?/, ""))
      .join("\n")
      .trim(),
  );
}

/**
 * Extracts the class description, each property's description and whether it is required
 * from a model's `.d.ts` text. A doc comment belongs to the declaration on the line after it.
 */
export function parseDeclarations(dts: string): { description?: string; fields: Map<string, { description?: string; required: boolean }> } {
  const lines = dts.split("\n");
  const fields = new Map<string, { description?: string; required: boolean }>();
  let description: string | undefined;
  let pending: string | undefined;
  let inClass = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\/\*\*/.test(line)) {
      const body: string[] = [];
      const first = line.replace(/^\s*\/\*\*/, "");
      let j = i;
      if (first.includes("*/")) {
        body.push(first.replace("*/", ""));
      } else {
        if (first.trim() !== "") body.push(first);
        for (j = i + 1; j < lines.length && !lines[j].includes("*/"); j++) body.push(lines[j]);
      }
      i = j;
      pending = commentText(body);
      continue;
    }
    if (/^export declare class /.test(line)) {
      inClass = true;
      description = pending || undefined;
      pending = undefined;
      continue;
    }
    const prop = inClass ? /^ {4}'([^']+)'(\?)?:/.exec(line) : null;
    if (prop) fields.set(prop[1], { description: pending || undefined, required: prop[2] !== "?" });
    if (line.trim() !== "") pending = undefined;
  }
  return { description, fields };
}

/** Combines a model's two files into one Model; throws if the files disagree about its fields. */
export function parseModel(className: string, files: ModelFiles): Model {
  const raw = parseAttributeTypeMap(className, files.js);
  const decl = parseDeclarations(files.dts);
  const attributes = raw.map((a): ModelAttribute => {
    const field = decl.fields.get(a.name);
    if (!field) throw new Error(`${className}.${a.baseName}: not declared in .d.ts`);
    const attr: ModelAttribute = { name: a.baseName, type: a.type, format: a.format, required: field.required };
    if (field.description !== undefined) attr.description = field.description;
    return attr;
  });
  const model: Model = { className, attributes };
  if (decl.description !== undefined) model.description = decl.description;
  return model;
}
