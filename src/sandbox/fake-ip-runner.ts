// An in-memory IpRunner for tests: records every command and models the one piece of kernel state
// the sandbox logic depends on, the set of named network namespaces. A shipped, tested utility.

import type { IpRunner } from "./ip-runner.js";
import { IpCommandError } from "./ip-runner.js";

/** A scripted reaction: when `match(args)` holds, resolve with `stdout` or fail with `stderr`. */
interface Script {
  match: (args: readonly string[]) => boolean;
  stdout?: string;
  fail?: { stderr: string; exitCode: number };
  remaining: number;
}

/**
 * Fake `ip`. Behaviour, checked against iproute2 6.1:
 * - `netns add X` fails if X exists, `netns del X` fails if it does not, `netns list` prints
 *   the names, newest first, one a line;
 * - `-n X …` and `netns exec X …` fail when X does not exist;
 * - everything else succeeds with empty output, unless scripted with `respond`/`failWhen`
 *   (scripts are checked first, newest first, and consumed after `times` uses; default forever).
 * `commands` holds every call's args in order, including failed ones.
 */
export class FakeIpRunner implements IpRunner {
  readonly commands: string[][] = [];
  readonly #namespaces: string[] = [];
  readonly #scripts: Script[] = [];

  /** Namespaces that exist now, oldest first. */
  get namespaces(): readonly string[] {
    return [...this.#namespaces];
  }

  /** Pretends `netns` already exists (e.g. left over by a crash). */
  addNamespace(netns: string): void {
    if (!this.#namespaces.includes(netns)) this.#namespaces.push(netns);
  }

  /** Scripts a successful output for commands matching `match`. */
  respond(match: (args: readonly string[]) => boolean, stdout: string, options: { times?: number } = {}): void {
    this.#scripts.unshift({ match, stdout, remaining: options.times ?? Infinity });
  }

  /** Scripts a failure (exit 2 unless given) for commands matching `match`. */
  failWhen(
    match: (args: readonly string[]) => boolean,
    stderr: string,
    options: { times?: number; exitCode?: number } = {},
  ): void {
    this.#scripts.unshift({ match, fail: { stderr, exitCode: options.exitCode ?? 2 }, remaining: options.times ?? Infinity });
  }

  /** The recorded commands as `ip …` lines, for readable assertions. */
  lines(): string[] {
    return this.commands.map((args) => ["ip", ...args].join(" "));
  }

  async ip(args: readonly string[]): Promise<string> {
    this.commands.push([...args]);
    const script = this.#scripts.find((s) => s.remaining > 0 && s.match(args));
    if (script) {
      script.remaining -= 1;
      if (script.fail) throw new IpCommandError(args, script.fail);
      return script.stdout ?? "";
    }
    return this.#model(args);
  }

  #model(args: readonly string[]): string {
    const [first, second, third] = args;
    if (first === "netns" && second === "list") {
      return [...this.#namespaces].reverse().map((n) => `${n}\n`).join("");
    }
    if (first === "netns" && second === "add" && third !== undefined) {
      if (this.#namespaces.includes(third)) this.#fail(args, `Cannot create namespace file "/run/netns/${third}": File exists`);
      this.#namespaces.push(third);
      return "";
    }
    if (first === "netns" && (second === "del" || second === "delete") && third !== undefined) {
      const at = this.#namespaces.indexOf(third);
      if (at < 0) this.#fail(args, `Cannot remove namespace file "/run/netns/${third}": No such file or directory`);
      this.#namespaces.splice(at, 1);
      return "";
    }
    const target = first === "-n" ? second : first === "netns" && second === "exec" ? third : undefined;
    if (target !== undefined && !this.#namespaces.includes(target)) {
      this.#fail(args, `Cannot open network namespace "${target}": No such file or directory`);
    }
    if (first === "-n" && args.includes("link") && args.includes("add")) {
      const netnsAt = args.indexOf("netns");
      const peerNs = netnsAt >= 0 ? args[netnsAt + 1] : undefined;
      if (peerNs !== undefined && !this.#namespaces.includes(peerNs)) {
        this.#fail(args, `Error: argument "${peerNs}" is wrong: Invalid "netns" value`);
      }
    }
    return "";
  }

  #fail(args: readonly string[], stderr: string): never {
    throw new IpCommandError(args, { stderr, exitCode: 1 });
  }
}
