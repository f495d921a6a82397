#!/usr/bin/env node
// The `svcnet` executable: runs the compiled CLI from dist/ (build it with `make build`).
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`error: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
);
