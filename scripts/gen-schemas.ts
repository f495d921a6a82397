// Regenerates src/api/schema/generated/schemas.json from @kubernetes/client-node's models.
// Run: node --import tsx scripts/gen-schemas.ts   (commit the result; a test fails on drift)

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchemas, renderSchemas } from "../src/api/schema/gen/build-schemas.js";
import { modelLoader, projectRoot, schemasFile } from "../src/api/schema/gen/model-files.js";

const root = projectRoot();
const defs = buildSchemas(modelLoader(root));
writeFileSync(join(root, schemasFile), renderSchemas(defs));
console.log(`wrote ${Object.keys(defs).length} definitions to ${schemasFile}`);
