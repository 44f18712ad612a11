#!/usr/bin/env bash
# Builds the frozen app from packaging/invoice_desktop.spec, the same way on every OS:
#   dist/InvoiceDesktop/ (InvoiceDesktop + invoice-desktop + _internal/), and on macOS "dist/Invoice Desktop.app".
# shellcheck source=packaging/_common.sh
source "$(dirname "$0")/_common.sh"

say "installing PyInstaller and the app's dependencies from the lock (requirements/package.txt)"
"$PY" -m pip install -q --require-hashes -r requirements/package.txt
"$PY" -m pip install -q --no-deps -e .

say "building Invoice Desktop $VERSION with PyInstaller"
start=$SECONDS
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath build \
  packaging/invoice_desktop.spec
echo "built in $((SECONDS - start)) s: $(du -sh "$BUNDLE" | cut -f1) in $BUNDLE"
