// CI guard: the committed generated/schemas.json must be exactly what the generator produces
// from the installed @kubernetes/client-node. On failure run: node --import tsx scripts/gen-schemas.ts

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchemas, renderSchemas } from "./gen/build-schemas.js";
import { modelLoader, projectRoot, schemasFile } from "./gen/model-files.js";

describe("generated schemas", () => {
  const root = projectRoot();

  it("are up to date with the generator and client-node's models", () => {
    const committed = readFileSync(join(root, schemasFile), "utf8");
    const fresh = renderSchemas(buildSchemas(modelLoader(root)));
    assert.ok(committed === fresh, `${schemasFile} is stale: run node --import tsx scripts/gen-schemas.ts and commit the result`);
  });

  it("are byte-identical across runs", () => {
    const load = modelLoader(root);
    assert.equal(renderSchemas(buildSchemas(load)), renderSchemas(buildSchemas(load)));
  });
});
