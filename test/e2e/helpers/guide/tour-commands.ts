// The README's tour is written for `make up` (sandbox id "up", the API on 172.17.8.101:6443);
// the test runs it on a sandbox of its own. These say how a README command or output line reads
// on that sandbox, and which commands change the cluster (run once) rather than look at it (run
// again until the output matches, since the cluster converges after each change). Pure.

/** What differs between `make up` and the test's sandbox. */
export interface SandboxNames {
  /** The test sandbox's id: namespaces are svcnet-<id>-…. */
  readonly id: string;
  /** The port the test's API server listens on (make up's is 6443). */
  readonly apiPort: number;
}

/** `text` (a command or an output line of the README) as it reads on the test's sandbox. */
export function localise(text: string, names: SandboxNames): string {
  return text
    .replace(/\bsvcnet-up-/g, `svcnet-${names.id}-`)
    .replace(/--sandbox-id up\b/g, `--sandbox-id ${names.id}`)
    .replace(/\b172\.17\.8\.101:6443\b/g, `172.17.8.101:${names.apiPort}`);
}

/** kubectl verbs that change the cluster: running one again would not do the same thing. */
const CHANGING_VERBS = new Set(["create", "apply", "delete", "run", "scale", "patch", "replace", "label", "annotate", "expose", "edit", "set", "rollout"]);

/** True when `command` changes the cluster, so it must run exactly once. */
export function changesCluster(command: string): boolean {
  const m = /^kubectl\s+(\S+)/.exec(command.trim());
  return m !== null && CHANGING_VERBS.has(m[1]);
}
