#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service,
# keyrings kept in a temporary folder: e.g. `scripts/with-keyring.sh npm test`.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring)" >&2
  exit 1
fi
data_home=$(mktemp -d)
trap 'rm -rf "$data_home"' EXIT
export XDG_DATA_HOME="$data_home"
exec dbus-run-session -- sh -c 'export $(printf %s test | gnome-keyring-daemon --unlock --components=secrets); exec "$@"' with-keyring "$@"
