#!/usr/bin/env bash
# Windows (Git Bash): signs the bundle's executables, builds the Inno Setup installer, signs it (and its
# uninstaller), then re-runs the frozen smoke test on the signed bundle.
# Needs: dist/InvoiceDesktop/ (packaging/build.sh, or packaging/smoke_test.sh which also tests it) and Inno Setup 6.
#
# Signing happens only when a certificate is configured; otherwise it says so and builds unsigned:
#   WINDOWS_SIGN_CERT_SHA1        thumbprint of a code-signing certificate in the Windows certificate store
#                                 (an imported .pfx, or a token / cloud HSM that exposes its certificate there)
#   WINDOWS_SIGN_PFX_BASE64       or: a .pfx as base64 (a CI secret), imported into the current user's store first,
#   WINDOWS_SIGN_PFX_PASSWORD       with its password (read from the environment, never put on a command line)
#   WINDOWS_SIGN_TIMESTAMP_URL    RFC 3161 time-stamp server (default: http://timestamp.digicert.com)
# shellcheck source=packaging/_common.sh
source "$(dirname "$0")/../_common.sh"
export MSYS_NO_PATHCONV=1 MSYS2_ARG_CONV_EXCL='*'  # keep Git Bash from rewriting /switches into paths

[ -f "$BUNDLE/InvoiceDesktop.exe" ] || { echo "no $BUNDLE/InvoiceDesktop.exe: run packaging/build.sh first" >&2; exit 2; }

find_tool() {  # find_tool NAME GLOB...: on PATH, else the newest match of the globs
  local name=$1 found
  shift
  found="$(command -v "$name" 2>/dev/null || true)"
  if [ -z "$found" ]; then
    found="$(ls -1d "$@" 2>/dev/null | sort -V | tail -n 1 || true)"
  fi
  printf '%s' "$found"
}

# -- the certificate -------------------------------------------------------------------------------------------
thumb="${WINDOWS_SIGN_CERT_SHA1:-}"
if [ -z "$thumb" ] && [ -n "${WINDOWS_SIGN_PFX_BASE64:-}" ]; then
  say "importing the signing certificate into the current user's certificate store"
  thumb="$(powershell.exe -NoProfile -NonInteractive -Command '
    $ErrorActionPreference = "Stop"
    $pfx = Join-Path $env:TEMP "invoice-desktop-signing.pfx"
    [IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_SIGN_PFX_BASE64))
    $pw = ConvertTo-SecureString $env:WINDOWS_SIGN_PFX_PASSWORD -AsPlainText -Force
    try { (Import-PfxCertificate -FilePath $pfx -CertStoreLocation Cert:\CurrentUser\My -Password $pw).Thumbprint }
    finally { Remove-Item $pfx }' | tr -d '\r')"
fi
timestamp="${WINDOWS_SIGN_TIMESTAMP_URL:-http://timestamp.digicert.com}"

signtool=""
if [ -n "$thumb" ]; then
  signtool="$(find_tool signtool.exe "/c/Program Files (x86)/Windows Kits/10/bin/"*/x64/signtool.exe)"
  [ -n "$signtool" ] || { echo "a certificate is configured but signtool.exe was not found (Windows SDK)" >&2; exit 1; }
  sign() {  # SHA-256 file digest, RFC 3161 time stamp (SHA-256), then verify the Authenticode chain
    "$signtool" sign /sha1 "$thumb" /fd SHA256 /tr "$timestamp" /td SHA256 /d "Invoice Desktop" "$@"
    "$signtool" verify /pa /q "$@"
  }
  say "signing the executables"
  sign "$BUNDLE/InvoiceDesktop.exe" "$BUNDLE/invoice-desktop.exe"
else
  echo
  echo "NOTE: code signing skipped: no certificate configured (set WINDOWS_SIGN_CERT_SHA1, or WINDOWS_SIGN_PFX_BASE64"
  echo "      and WINDOWS_SIGN_PFX_PASSWORD; see packaging/README.md). The installer will be UNSIGNED, and"
  echo "      SmartScreen will warn whoever runs it."
fi

# -- the installer ---------------------------------------------------------------------------------------------
# Inno Setup 6: its command-line options (/D, /S, /Qp) are the ones used below (Inno Setup 7 documents new ones).
inno6=("/c/Program Files (x86)/Inno Setup 6/ISCC.exe" "/c/Program Files/Inno Setup 6/ISCC.exe")
iscc="$(find_tool iscc.exe "${inno6[@]}")"
if [ -z "$iscc" ] && [ "${CI:-}" = true ] && command -v choco >/dev/null; then
  say "installing Inno Setup 6"
  choco install innosetup --version 6.7.1 --no-progress -y >/dev/null
  iscc="$(find_tool iscc.exe "${inno6[@]}")"
fi
[ -n "$iscc" ] || { echo "Inno Setup 6 not found: install it (https://jrsoftware.org/isdl.php)" >&2; exit 1; }

say "building the installer with Inno Setup"
args=("/Qp" "/DAppVersion=$VERSION")
if [ -n "$thumb" ]; then
  # Inno Setup signs Setup.exe and the uninstaller it writes with this command ($f: the file, $q: a quote).
  args+=("/DSign" "/Sinvoicesign=\$q$(cygpath -w "$signtool")\$q sign /sha1 $thumb /fd SHA256 /tr $timestamp /td SHA256 /d \$qInvoice Desktop\$q \$f")
fi
"$iscc" "${args[@]}" "$(cygpath -w packaging/windows/InvoiceDesktop.iss)"
installer="$DIST/InvoiceDesktop-$VERSION-setup.exe"
[ -z "$thumb" ] || "$signtool" verify /pa /q "$installer"
echo "installer: $installer ($(du -h "$installer" | cut -f1))"

if [ -n "$thumb" ]; then
  say "smoke test of the signed bundle"
  "$PY" packaging/smoke_test.py
fi
