#!/usr/bin/env bash
# Runs a command inside a private D-Bus session whose Secret Service is a real gnome-keyring,
# unlocked, its keyrings kept in a temporary folder: e.g. `scripts/with-keyring.sh npm test`.
#
# The daemon is started by D-Bus activation, through a service file of our own that unlocks the
# login keyring: should the daemon end during the run (gnome-keyring aborts on some bursts of
# concurrent clients), the next client starts it again, unlocked, over the same keyrings. Debian's
# own service file would start it locked, and every later keychain test would fail on a prompt.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring)" >&2
  exit 1
fi
data_home=$(mktemp -d)
trap 'rm -rf "$data_home"' EXIT
# The session bus looks for services in $XDG_DATA_HOME/dbus-1/services before the system's folders.
export XDG_DATA_HOME="$data_home"
mkdir -p "$data_home/dbus-1/services"
# The daemon's pid is kept in $XDG_DATA_HOME/secret-service.pid (a test ends it to see it come back).
cat >"$data_home/secret-service.sh" <<EOF
#!/bin/sh
echo "with-keyring: starting gnome-keyring-daemon, unlocked (pid \$\$)" >&2
echo \$\$ >'$data_home/secret-service.pid'
exec gnome-keyring-daemon --foreground --unlock --components=secrets <'$data_home/password' >/dev/null
EOF
printf %s test >"$data_home/password"
chmod 700 "$data_home/secret-service.sh"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$data_home/secret-service.sh" \
  >"$data_home/dbus-1/services/org.freedesktop.secrets.service"
# The daemon is up before the command starts, so the command's first burst of clients meets a
# running service rather than one that is starting.
start='dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName string:org.freedesktop.secrets uint32:0 >/dev/null'
# Not exec'd, so the trap removes the folder; its exit status is the script's.
dbus-run-session -- sh -c "$start"' && exec "$@"' with-keyring "$@"
