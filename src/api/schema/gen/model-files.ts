// Where the schema generator's inputs and output live on disk. The only I/O of the generator.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelLoader } from "./build-schemas.js";

/** The svcnet checkout root: the nearest directory above this file holding package.json (works from src/ and dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** The committed generated schemas file, relative to the project root. */
export const schemasFile = "src/api/schema/generated/schemas.json";

/** Reads client-node's generated models from `<root>/node_modules/@kubernetes/client-node/dist/gen/models`. */
export function modelLoader(root: string): ModelLoader {
  const dir = join(root, "node_modules/@kubernetes/client-node/dist/gen/models");
  return (className) => {
    const js = join(dir, `${className}.js`);
    if (!existsSync(js)) return undefined;
    return { js: readFileSync(js, "utf8"), dts: readFileSync(join(dir, `${className}.d.ts`), "utf8") };
  };
}
