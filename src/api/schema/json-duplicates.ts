// Finds duplicate object keys in JSON text, which JSON.parse silently resolves (last one wins)
// but Kubernetes' strict decoding reports as `duplicate field "spec.replicas"`.

/** The parsed value (exactly what JSON.parse returns) and the paths of duplicated keys, in document order, each once. */
export interface ParsedWithDuplicates {
  value: unknown;
  duplicates: string[];
}

/** Joins a field path the way Kubernetes' strict errors print it: `spec.ports[0].port`. */
export function joinFieldPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/**
 * Parses JSON text and reports duplicate keys with their paths. Throws JSON.parse's own
 * SyntaxError for invalid text, so callers can map it to a 400 like any other parse failure.
 */
export function parseJsonWithDuplicates(text: string): ParsedWithDuplicates {
  const value: unknown = JSON.parse(text);
  return { value, duplicates: new DuplicateScanner(text).scan() };
}

/** Walks text already known to be valid JSON, tracking only keys and paths. */
class DuplicateScanner {
  #text: string;
  #pos = 0;
  #found = new Set<string>();

  constructor(text: string) {
    this.#text = text;
  }

  scan(): string[] {
    this.#value("");
    return [...this.#found];
  }

  #skipSpace(): void {
    while (/\s/.test(this.#text[this.#pos] ?? "")) this.#pos++;
  }

  #value(path: string): void {
    this.#skipSpace();
    const c = this.#text[this.#pos];
    if (c === "{") this.#object(path);
    else if (c === "[") this.#array(path);
    else if (c === '"') this.#string();
    else this.#literal();
  }

  #object(path: string): void {
    this.#pos++; // {
    const seen = new Set<string>();
    this.#skipSpace();
    if (this.#text[this.#pos] === "}") {
      this.#pos++;
      return;
    }
    for (;;) {
      this.#skipSpace();
      const key = this.#string();
      const keyPath = joinFieldPath(path, key);
      if (seen.has(key)) this.#found.add(keyPath);
      seen.add(key);
      this.#skipSpace();
      this.#pos++; // :
      this.#value(keyPath);
      this.#skipSpace();
      if (this.#text[this.#pos++] === "}") return; // else ","
    }
  }

  #array(path: string): void {
    this.#pos++; // [
    this.#skipSpace();
    if (this.#text[this.#pos] === "]") {
      this.#pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.#value(joinFieldPath(path, i));
      this.#skipSpace();
      if (this.#text[this.#pos++] === "]") return; // else ","
    }
  }

  /** Reads a string literal at the cursor and returns its decoded value. */
  #string(): string {
    const start = this.#pos;
    this.#pos++; // opening quote
    while (this.#text[this.#pos] !== '"') this.#pos += this.#text[this.#pos] === "\\" ? 2 : 1;
    this.#pos++; // closing quote
    return JSON.parse(this.#text.slice(start, this.#pos)) as string;
  }

  #literal(): void {
    while (this.#pos < this.#text.length && !/[\s,\]}]/.test(this.#text[this.#pos])) this.#pos++;
  }
}
