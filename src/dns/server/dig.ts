// Runs the real `dig` (dnsutils) and reads its answer: rcode, header flags and the records of
// each section in zone-file form with single spaces — the form presentRecord writes — so tests
// compare what a user sees with dig against the resolver's records.

import { execFile } from "node:child_process";

export interface DigResult {
  rcode: string;
  flags: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  /** dig's whole output, for failure messages. */
  text: string;
}

/** Parses `dig +noall +comments +answer +authority +additional` output. */
export function parseDig(text: string): DigResult {
  const rcode = /status: ([A-Z]+)/.exec(text)?.[1] ?? "";
  const flags = (/;; flags: ([^;]*);/.exec(text)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const sections: Record<string, string[]> = { ANSWER: [], AUTHORITY: [], ADDITIONAL: [] };
  let current: string | undefined;
  for (const line of text.split("\n")) {
    const header = /^;; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    if (line.startsWith(";") || line.trim() === "") {
      if (line.trim() === "") current = undefined;
      continue;
    }
    if (current) sections[current].push(line.trim().split(/\s+/).join(" "));
  }
  return { rcode, flags, answer: sections.ANSWER, authority: sections.AUTHORITY, additional: sections.ADDITIONAL, text };
}

export interface DigOptions {
  server: string;
  port: number;
  tcp?: boolean;
  /** dig's +bufsize (EDNS); 0 sends no EDNS (+noedns). */
  bufsize?: number;
  /** Keep a truncated UDP answer instead of retrying over TCP. */
  ignoreTruncation?: boolean;
  extra?: string[];
}

export function dig(name: string, type: string, o: DigOptions): Promise<DigResult> {
  const args = [`@${o.server}`, "-p", String(o.port), "+norec", "+noall", "+comments", "+answer", "+authority", "+additional", "+time=2", "+tries=1"];
  if (o.tcp) args.push("+tcp");
  if (o.bufsize === 0) args.push("+noedns");
  else if (o.bufsize !== undefined) args.push(`+bufsize=${o.bufsize}`);
  if (o.ignoreTruncation) args.push("+ignore");
  args.push(...(o.extra ?? []), name, type);
  return new Promise((resolve, reject) => {
    execFile("dig", args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error && !stdout) reject(new Error(`dig ${args.join(" ")}: ${stderr || error.message}`));
      else resolve(parseDig(stdout));
    });
  });
}
