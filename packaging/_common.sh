# shellcheck shell=bash
# Sourced by the packaging scripts: work from the repository root and find the project's virtual environment
# (created by the README's commands, which install from the lock in requirements/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
elif [ -x .venv/Scripts/python.exe ]; then  # Windows
  PY=.venv/Scripts/python.exe
else
  echo "packaging: no .venv here; first run the README's install command (python3 -m venv .venv && ...)" >&2
  exit 2
fi
export PY

VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
export VERSION
DIST=dist
BUNDLE="$DIST/InvoiceDesktop"        # the one-folder bundle (Windows, Linux)
APP="$DIST/Invoice Desktop.app"      # macOS
export DIST BUNDLE APP

say() { printf '\n== %s\n' "$*"; }
