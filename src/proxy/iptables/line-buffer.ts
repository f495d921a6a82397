// The text buffers a rule generator fills: one iptables-restore line per write. kube-proxy
// keeps four of them (filter chains, filter rules, nat chains, nat rules) and, for partial
// syncs, a discarding twin that only counts what it would have written so the rule-count
// metrics stay right without paying for the text.

/** One argument of a rule line: a single word or a list of words written in order. */
export type LineArg = string | readonly string[];

export interface RuleLineSink {
  /** Appends one line: the words of all arguments joined by single spaces. */
  write(...args: LineArg[]): void;
  /** Lines written so far (including those a discarding buffer threw away). */
  readonly lines: number;
}

function joinArgs(args: readonly LineArg[]): string {
  const words: string[] = [];
  for (const arg of args) {
    if (typeof arg === "string") words.push(arg);
    else words.push(...arg);
  }
  return words.join(" ");
}

/** Keeps the text of every line. */
export class LineBuffer implements RuleLineSink {
  #text: string[] = [];

  write(...args: LineArg[]): void {
    this.#text.push(joinArgs(args));
  }

  get lines(): number {
    return this.#text.length;
  }

  /** Appends lines written earlier (by another buffer), unchanged. */
  writeLines(lines: readonly string[]): void {
    for (const line of lines) this.#text.push(line);
  }

  /** The lines written so far, without newlines. */
  entries(): readonly string[] {
    return this.#text;
  }

  /** The lines, each ended by a newline ("" when empty), as iptables-restore reads them. */
  toString(): string {
    return this.#text.length === 0 ? "" : this.#text.join("\n") + "\n";
  }
}

/** Counts lines without keeping them: where unchanged services' chains go in a partial sync. */
export class DiscardLineBuffer implements RuleLineSink {
  #lines = 0;

  write(..._args: LineArg[]): void {
    this.#lines++;
  }

  get lines(): number {
    return this.#lines;
  }
}

/** `:NAME - [0:0]`: creates the chain, or flushes it when it already exists (with --noflush). */
export function chainLine(name: string): string {
  return `:${name} - [0:0]`;
}

/**
 * A comment as kube-proxy hands it to iptables-restore: double-quoted when it holds a space
 * (restore splits words on spaces), bare otherwise (`--comment default/nginx-service`).
 */
export function quoteComment(text: string): string {
  return text.includes(" ") ? `"${text}"` : text;
}

/** `-m comment --comment <text>`, quoted as kube-proxy quotes it. */
export function commentArgs(text: string): string[] {
  return ["-m", "comment", "--comment", quoteComment(text)];
}
