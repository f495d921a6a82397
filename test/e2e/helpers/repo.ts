// Paths of the checkout, found from this file's location in src/ or dist/.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the svcnet checkout (no package.json above this file)");
    dir = up;
  }
  return dir;
}

export const svcnetBin = (): string => join(repoRoot(), "bin", "svcnet.js");
