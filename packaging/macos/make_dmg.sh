#!/usr/bin/env bash
# macOS: signs "Invoice Desktop.app" (hardened runtime + entitlements.plist), notarizes and staples it, wraps it in
# a DMG with an Applications link, then signs, notarizes and staples the DMG. Without credentials it builds an
# unsigned DMG and says so. Needs "dist/Invoice Desktop.app" (packaging/build.sh or packaging/smoke_test.sh).
#
#   MACOS_SIGN_IDENTITY            e.g. "Developer ID Application: Example Ltd (ABCDE12345)" (in a keychain)
#   MACOS_CERTIFICATE_P12_BASE64   optional (CI): that certificate + key as a base64 .p12, imported into a temporary
#   MACOS_CERTIFICATE_PASSWORD       keychain, with its password
# Notarization (after signing), one of:
#   MACOS_NOTARY_PROFILE           a profile saved with `xcrun notarytool store-credentials` (a developer's Mac)
#   APPLE_API_KEY_PATH, APPLE_API_KEY_ID, APPLE_API_ISSUER     an App Store Connect API key (CI)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD                 an Apple ID with an app-specific password
# shellcheck source=packaging/_common.sh
source "$(dirname "$0")/../_common.sh"
[ "$(uname -s)" = Darwin ] || { echo "make_dmg.sh runs on macOS only" >&2; exit 2; }
[ -d "$APP" ] || { echo "no $APP: run packaging/build.sh first" >&2; exit 2; }
ENTITLEMENTS=packaging/macos/entitlements.plist
DMG="$DIST/InvoiceDesktop-$VERSION.dmg"
identity="${MACOS_SIGN_IDENTITY:-}"

# -- the certificate (CI): a temporary keychain that holds only it ----------------------------------------------
if [ -n "$identity" ] && [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]; then
  say "importing the signing certificate into a temporary keychain"
  keychain="$(mktemp -d)/signing.keychain-db"
  keychain_password="$(uuidgen)"
  p12="$(mktemp)"
  trap 'rm -f "$p12"; security delete-keychain "$keychain" 2>/dev/null || true' EXIT
  printf '%s' "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$p12"
  security create-keychain -p "$keychain_password" "$keychain"
  security set-keychain-settings -lut 3600 "$keychain"
  security unlock-keychain -p "$keychain_password" "$keychain"
  security import "$p12" -k "$keychain" -f pkcs12 -P "$MACOS_CERTIFICATE_PASSWORD" -T /usr/bin/codesign
  security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain" >/dev/null
  # shellcheck disable=SC2046
  security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
fi

codesign_() { codesign --force --timestamp --options runtime --sign "$identity" "$@"; }

sign_app() {
  # Inside out, as Apple requires: every loose library and extension module, then each framework, then the
  # executables with the entitlements, then the bundle itself. (No --deep: it signs everything alike.)
  local file
  while IFS= read -r -d '' file; do
    case "$file" in *.framework/*) continue ;; esac
    if file -b "$file" | grep -q 'Mach-O'; then codesign_ "$file"; fi
  done < <(find "$APP/Contents/Frameworks" "$APP/Contents/Resources" -type f -print0)
  while IFS= read -r -d '' file; do codesign_ "$file"; done \
    < <(find "$APP/Contents" -type d -name '*.framework' -prune -print0)
  codesign_ --entitlements "$ENTITLEMENTS" "$APP/Contents/MacOS/invoice-desktop"
  codesign_ --entitlements "$ENTITLEMENTS" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
}

notary_args=()
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  notary_args=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${APPLE_API_KEY_PATH:-}" ]; then
  notary_args=(--key "$APPLE_API_KEY_PATH" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER")
elif [ -n "${APPLE_ID:-}" ]; then
  notary_args=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
fi

notarize() {  # notarize FILE STAPLE_TARGET: submit, wait for Apple's verdict, staple the ticket
  xcrun notarytool submit "$1" --wait --timeout 30m "${notary_args[@]}"
  xcrun stapler staple "$2"
  xcrun stapler validate "$2"
}

# -- the app ---------------------------------------------------------------------------------------------------
if [ -n "$identity" ]; then
  say "signing $APP with hardened runtime"
  sign_app
  say "smoke test of the signed app (a missing entitlement shows here)"
  "$PY" packaging/smoke_test.py
  if [ ${#notary_args[@]} -gt 0 ]; then
    say "notarizing the app"
    zip="$(mktemp -d)/InvoiceDesktop.zip"
    ditto -c -k --keepParent "$APP" "$zip"
    notarize "$zip" "$APP"
  else
    echo "NOTE: notarization skipped: no notary credentials (MACOS_NOTARY_PROFILE, APPLE_API_KEY_*, or APPLE_ID...)."
  fi
else
  echo
  echo "NOTE: signing and notarization skipped: MACOS_SIGN_IDENTITY is not set (see packaging/README.md)."
  echo "      The DMG will be UNSIGNED: Gatekeeper will refuse to open the app until it is allowed by hand."
fi

# -- the DMG ---------------------------------------------------------------------------------------------------
say "building $DMG"
staging="$(mktemp -d)"
ditto "$APP" "$staging/$(basename "$APP")"
ln -s /Applications "$staging/Applications"  # drag the app onto it to install
rm -f "$DMG"
hdiutil create -volname "Invoice Desktop $VERSION" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$staging"
if [ -n "$identity" ]; then
  codesign --force --timestamp --sign "$identity" "$DMG"
  if [ ${#notary_args[@]} -gt 0 ]; then
    say "notarizing the DMG"
    notarize "$DMG" "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose "$DMG"
  fi
fi
echo "DMG: $DMG ($(du -h "$DMG" | cut -f1))"
