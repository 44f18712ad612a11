#!/usr/bin/env bash
# Builds the bundle and tests the FROZEN executables (packaging/smoke_test.py says what is checked).
# The same command on Linux (.ci/run), Windows and macOS (.github/workflows/build.yml).
# shellcheck source=packaging/_common.sh
source "$(dirname "$0")/_common.sh"

bash packaging/build.sh

# On Linux, give the frozen app a real Secret Service, so the test proves it finds keyring's backends (a bundle
# without keyring's entry-point metadata finds none). CI (root, Debian) installs gnome-keyring; elsewhere it is used
# when present.
if [ "$(uname -s)" = Linux ]; then
  if ! { command -v gnome-keyring-daemon && command -v dbus-run-session; } >/dev/null \
      && [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing gnome-keyring for the keyring check"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends gnome-keyring dbus >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends gnome-keyring dbus >/dev/null; } \
      || echo "WARNING: gnome-keyring could not be installed (package mirror?); see the note below" >&2
  fi
  if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
    say "smoke test of the frozen app, with a throwaway unlocked keyring on a private D-Bus session"
    keyring_home="$(mktemp -d)"
    trap 'rm -rf "$keyring_home"' EXIT
    # An empty password makes keyring fail with "Prompt dismissed": use a non-empty throwaway one.
    # (As root in a container, dbus-daemon warns "Failed to set fd limit": harmless.)
    HOME="$keyring_home" dbus-run-session -- bash -c \
      'printf throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
       "$PY" packaging/smoke_test.py --expect-keyring SecretService'
    exit 0
  fi
  echo "note: no gnome-keyring/dbus-run-session here, so the keyring check only requires a backend line" >&2
fi

say "smoke test of the frozen app"
"$PY" packaging/smoke_test.py
