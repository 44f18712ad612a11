#!/usr/bin/env bash
# Compiles packaging/windows/InvoiceDesktop.iss with Inno Setup's own compiler (ISCC.exe 6.4.1 from the npm package
# `innosetup`) under Wine, so a broken installer script fails CI on Linux, long before a Windows runner sees it.
# The Windows bundle's place is taken by a stand-in: the frozen Linux bundle (dist/InvoiceDesktop, from
# packaging/build.sh) with its two executables renamed to the Windows names, so the compile also proves the
# script's file paths. Needs: wine with wine32 (Debian: dpkg --add-architecture i386; apt-get install wine wine64
# wine32:i386), npm. ISCC exits 2 on a bad script; without wine32 it fails yet exits 0, hence the check for the
# setup file at the end.
# shellcheck source=packaging/_common.sh
source "$(dirname "$0")/../_common.sh"

[ -x "$BUNDLE/InvoiceDesktop" ] || { echo "no $BUNDLE/InvoiceDesktop: run packaging/build.sh first" >&2; exit 2; }
command -v wine >/dev/null || { echo "wine is not installed (see this script's header)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say "fetching Inno Setup's compiler (npm: innosetup@6.4.1)"
npm install --silent --no-audit --no-fund --prefix "$work/npm" innosetup@6.4.1 >/dev/null
iscc="$work/npm/node_modules/innosetup/bin/ISCC.exe"
[ -f "$iscc" ] || { echo "ISCC.exe not found in the innosetup package" >&2; exit 1; }

say "staging the script beside a stand-in Windows bundle"
stage="$work/stage"
mkdir -p "$stage/packaging/windows" "$stage/resources" "$stage/dist"
cp packaging/windows/InvoiceDesktop.iss "$stage/packaging/windows/"
cp resources/icon.ico "$stage/resources/"
cp -a "$BUNDLE" "$stage/dist/InvoiceDesktop"
mv "$stage/dist/InvoiceDesktop/InvoiceDesktop" "$stage/dist/InvoiceDesktop/InvoiceDesktop.exe"
mv "$stage/dist/InvoiceDesktop/invoice-desktop" "$stage/dist/InvoiceDesktop/invoice-desktop.exe"

say "compiling with ISCC under Wine"
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
start=$SECONDS
# Compression: the stand-in's bytes are not what ships; `/DFastCompression` lets CI skip lzma2/max's minutes.
status=0
wine "$iscc" /Qp "/DAppVersion=$VERSION" ${INNO_FAST:+/DFastCompression} \
  "$(winepath -w "$stage/packaging/windows/InvoiceDesktop.iss" 2>/dev/null)" || status=$?
setup="$stage/dist/InvoiceDesktop-$VERSION-setup.exe"
if [ "$status" -ne 0 ] || [ ! -s "$setup" ]; then
  echo "Inno Setup could not compile packaging/windows/InvoiceDesktop.iss (exit $status; no $setup)" >&2
  exit 1
fi
echo "compiled in $((SECONDS - start)) s: $(du -h "$setup" | cut -f1) setup from the stand-in bundle"
