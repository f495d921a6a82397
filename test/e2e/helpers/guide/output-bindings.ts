// Values the software picks at random but must then use consistently — the ClusterIP of
// nginx-service, its NodePort, the generated pod names, the KUBE-SEP-… chain of each endpoint —
// as variables: the first time the README shows one where the run shows another, the two are
// paired, and from then on each must stand for the other everywhere (in outputs and in the
// README's commands, which are rewritten with the run's values before they run). The pairing is
// one-to-one in both directions, so two README values cannot map to one value of the run. Pure:
// Bindings are values; unifying returns a new one.

/** A kind of value that varies from run to run. */
export interface VariableClass {
  readonly name: string;
  /** Matches one value (global flag; a lookbehind may require context). */
  readonly pattern: RegExp;
  /** Values of this shape that are fixed and compared literally. */
  readonly fixed?: readonly string[];
}

export const VARIABLE_CLASSES: readonly VariableClass[] = [
  { name: "pod", pattern: /\bnginx-controller-[a-z0-9]{5}\b/g },
  // The kubernetes and kube-dns services' addresses are fixed; nginx-service's is picked at random.
  { name: "clusterIP", pattern: /\b10\.0\.0\.\d{1,3}\b(?![/\d])/g, fixed: ["10.0.0.1", "10.0.0.10"] },
  // In "nodePort: 30802", "8000:30802/TCP", "dpt:30802", "127.0.0.1:30802/".
  { name: "nodePort", pattern: /(?<=nodePort: |:)3[0-2]\d{3}\b/g },
  { name: "endpoint chain", pattern: /\bKUBE-SEP-[A-Z2-7]{16}\b/g },
];

/** Pairs README value ↔ run value, per class. */
export interface Bindings {
  /** `${class}\0${readme value}` → run value. */
  readonly readmeToRun: ReadonlyMap<string, string>;
  /** `${class}\0${run value}` → README value. */
  readonly runToReadme: ReadonlyMap<string, string>;
}

export const NO_BINDINGS: Bindings = { readmeToRun: new Map(), runToReadme: new Map() };

/** A line cut into literal text and variable values (literals at even indexes). */
interface Pieces {
  literals: string[];
  values: Array<{ cls: string; value: string }>;
}

function piecesOf(line: string): Pieces {
  const found: Array<{ start: number; end: number; cls: string; value: string }> = [];
  for (const c of VARIABLE_CLASSES) {
    for (const m of line.matchAll(c.pattern)) {
      if (c.fixed?.includes(m[0])) continue;
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      found.push({ start, end, cls: c.name, value: m[0] });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const literals: string[] = [];
  let at = 0;
  for (const f of found) {
    literals.push(line.slice(at, f.start));
    at = f.end;
  }
  literals.push(line.slice(at));
  return { literals, values: found.map(({ cls, value }) => ({ cls, value })) };
}

/**
 * The bindings under which README line `readme` and run line `run` say the same thing (equal
 * text outside variables, each variable of the same class and paired consistently with
 * `bindings`), or undefined when they differ.
 */
export function unifyLine(readme: string, run: string, bindings: Bindings): Bindings | undefined {
  const a = piecesOf(readme);
  const b = piecesOf(run);
  if (a.values.length !== b.values.length) return undefined;
  if (a.literals.some((l, i) => l !== b.literals[i])) return undefined;
  let readmeToRun: Map<string, string> | undefined;
  let runToReadme: Map<string, string> | undefined;
  for (let i = 0; i < a.values.length; i++) {
    const r = a.values[i];
    const x = b.values[i];
    if (r.cls !== x.cls) return undefined;
    const forward = (readmeToRun ?? bindings.readmeToRun).get(`${r.cls}\0${r.value}`);
    const backward = (runToReadme ?? bindings.runToReadme).get(`${x.cls}\0${x.value}`);
    if (forward !== undefined || backward !== undefined) {
      if (forward !== x.value || backward !== r.value) return undefined;
      continue;
    }
    readmeToRun ??= new Map(bindings.readmeToRun);
    runToReadme ??= new Map(bindings.runToReadme);
    readmeToRun.set(`${r.cls}\0${r.value}`, x.value);
    runToReadme.set(`${x.cls}\0${x.value}`, r.value);
  }
  return readmeToRun && runToReadme ? { readmeToRun, runToReadme } : bindings;
}

/** A README command that uses a variable value no earlier output has paired. */
export class UnboundValueError extends Error {
  override readonly name = "UnboundValueError";
}

/**
 * `command` with every variable value replaced by the run's value paired with it. Throws
 * UnboundValueError for a value no output has shown yet (the README would be asking the reader
 * to type something they have not seen).
 */
export function bindCommand(command: string, bindings: Bindings): string {
  const p = piecesOf(command);
  let out = p.literals[0];
  p.values.forEach((v, i) => {
    const run = bindings.readmeToRun.get(`${v.cls}\0${v.value}`);
    if (run === undefined) throw new UnboundValueError(`the command uses ${v.cls} ${v.value} before any output of the tour shows it`);
    out += run + p.literals[i + 1];
  });
  return out;
}
