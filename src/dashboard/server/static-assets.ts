// The dashboard's files: the page's ES modules, compiled by the project's tsc run into
// dist/src/dashboard/{browser,model}/ and served at /ui/js/<dir>/<file>.js, and the graph library's
// ESM build from node_modules at /ui/vendor/cytoscape.esm.min.mjs. Only those names are served (no
// paths from the request reach the file system beyond a checked file name); files are read once.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface Asset {
  contentType: string;
  body: Buffer;
}

/** Where the compiled dashboard lives: the directory above this module's (dist/src/dashboard/). */
const compiledRoot = new URL("../", import.meta.url);

/** The URL path of the graph library the page imports. */
export const cytoscapeUrl = "/ui/vendor/cytoscape.esm.min.mjs";

/** The file a /ui/ path names, or undefined when it names none of the dashboard's files. */
export function assetFile(path: string): string | undefined {
  if (path === cytoscapeUrl) return fileURLToPath(import.meta.resolve("cytoscape/dist/cytoscape.esm.min.mjs"));
  const m = /^\/ui\/js\/(browser|model)\/([a-z0-9-]+\.js)$/.exec(path);
  if (!m || m[2].endsWith(".test.js")) return undefined;
  return fileURLToPath(new URL(`${m[1]}/${m[2]}`, compiledRoot));
}

export class StaticAssets {
  readonly #cache = new Map<string, Promise<Asset | undefined>>();

  /** The asset at `path`, or undefined (unknown name, or no such file). */
  get(path: string): Promise<Asset | undefined> {
    const file = assetFile(path);
    if (file === undefined) return Promise.resolve(undefined);
    let found = this.#cache.get(file);
    if (!found) {
      found = readFile(file).then(
        (body) => ({ contentType: "text/javascript; charset=utf-8", body }),
        () => undefined,
      );
      this.#cache.set(file, found);
    }
    return found;
  }
}
