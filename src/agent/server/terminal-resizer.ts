// Applies the sizes a client sends to the terminal of an exec session. The terminal is created
// by `script` a moment after the session starts, so a size may have to wait for it (a bounded
// time); once found it is remembered, and looked for again if it stops answering.

import { execFile } from "node:child_process";
import { findPtyOf } from "./pty-of-process.js";
import type { TerminalSize } from "./terminal-size.js";
import { sttyArgs } from "./terminal-size.js";

export interface TerminalResizerOptions {
  /** Finds the terminal device; default: the pty under the session's process (findPtyOf). */
  find?: () => Promise<string | undefined>;
  /** Gives `device` the size; default runs `stty -F <device> rows … cols …`. */
  apply?: (device: string, size: TerminalSize) => Promise<void>;
  /** How often to look for a terminal that does not exist yet; default 10 ms. */
  pollMs?: number;
  /** How long to look for it before giving up on a size; default 2000 ms. */
  waitMs?: number;
}

function stty(device: string, size: TerminalSize): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("stty", sttyArgs(device, size), { timeout: 2000 }, (error, _stdout, stderr) => (error ? reject(new Error(String(stderr).trim() || error.message)) : resolve()));
  });
}

export class TerminalResizer {
  readonly #find: () => Promise<string | undefined>;
  readonly #apply: (device: string, size: TerminalSize) => Promise<void>;
  readonly #pollMs: number;
  readonly #waitMs: number;
  #device: string | undefined;
  #stopped = false;

  /** For the session whose process is `rootPid`. */
  constructor(rootPid: number, o: TerminalResizerOptions = {}) {
    this.#find = o.find ?? (() => findPtyOf(rootPid));
    this.#apply = o.apply ?? stty;
    this.#pollMs = o.pollMs ?? 10;
    this.#waitMs = o.waitMs ?? 2000;
  }

  /**
   * Gives the session's terminal `size`. Resolves true once it has it, false when no terminal
   * turned up in time, the size could not be set, or the resizer was stopped. Never rejects.
   */
  async resize(size: TerminalSize): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const device = this.#device ?? (await this.#await());
      if (device === undefined) return false;
      try {
        await this.#apply(device, size);
        this.#device = device;
        return true;
      } catch {
        // The process holding it may have gone; look again once.
        this.#device = undefined;
      }
    }
    return false;
  }

  /** Stops waiting for a terminal; later sizes are dropped. */
  stop(): void {
    this.#stopped = true;
  }

  async #await(): Promise<string | undefined> {
    const deadline = Date.now() + this.#waitMs;
    while (!this.#stopped) {
      const device = await this.#find();
      if (device !== undefined) return device;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
    return undefined;
  }
}
