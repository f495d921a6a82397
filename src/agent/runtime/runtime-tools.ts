// Finds the programs the runtime runs. Container env may have any PATH (or none), so the runtime
// runs its tools by absolute path, looked up once on the agent's own PATH.

import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import type { RuntimeTools } from "./launch-plan.js";

/** The Debian package that provides each tool, for error messages. */
export const TOOL_PACKAGES: Readonly<Record<keyof RuntimeTools, string>> = {
  ip: "iproute2",
  unshare: "util-linux",
  nsenter: "util-linux",
  mount: "mount",
  sh: "dash",
  env: "coreutils",
};

/** Some tool the runtime needs is not installed. `missing` names each with its Debian package. */
export class RuntimeToolsError extends Error {
  override readonly name = "RuntimeToolsError";
  readonly code = "RuntimeToolsMissing";
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(`container runtime needs ${missing.join(", ")}`);
    this.missing = missing;
  }
}

/**
 * Resolves every tool to an executable absolute path on `searchPath` (default: this process's
 * PATH). Throws RuntimeToolsError listing each missing tool and its Debian package.
 */
export async function findRuntimeTools(searchPath: string = process.env["PATH"] ?? ""): Promise<RuntimeTools> {
  const dirs = searchPath.split(":").filter((d) => d !== "");
  const found: Partial<RuntimeTools> = {};
  const missing: string[] = [];
  for (const name of Object.keys(TOOL_PACKAGES) as (keyof RuntimeTools)[]) {
    const hit = await firstExecutable(dirs.map((d) => path.join(d, name)));
    if (hit) found[name] = hit;
    else missing.push(`${name} (Debian package ${TOOL_PACKAGES[name]})`);
  }
  if (missing.length > 0) throw new RuntimeToolsError(missing);
  return found as RuntimeTools;
}

async function firstExecutable(candidates: readonly string[]): Promise<string | undefined> {
  for (const file of candidates) {
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}
