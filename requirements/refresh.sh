#!/usr/bin/env bash
# Refresh the dependency lock after changing pyproject.toml's dependencies, in one command:
#   bash requirements/refresh.sh            (keep locked versions where they still fit)
#   bash requirements/refresh.sh --upgrade  (move everything to the newest allowed versions)
# uv resolves one universal lock (uv.lock) for Windows, macOS and Linux alike; the requirements files exported from
# it, with hashes and platform markers, are what CI, the README's commands and the installers install with plain pip.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
command -v "$uv" >/dev/null || { echo "needs uv: pip install uv" >&2; exit 2; }
"$uv" lock "$@"
export_as() {  # FILE EXTRA...
  local file=$1; shift
  "$uv" export --locked --no-emit-project --no-header --format requirements-txt "$@" -o "requirements/$file" >/dev/null
}
export_as app.txt
export_as test.txt --extra test
export_as package.txt --extra package
echo "lock refreshed: uv.lock, requirements/{app,test,package}.txt"
