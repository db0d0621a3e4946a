#!/usr/bin/env bash
# Fetches the third-party Go servers the churn tests record (issue 19): caddy and nats-server from
# Debian bookworm, with `apt-get download` and `dpkg -x` into a cache dir, so that no system service
# is installed, enabled or started (the tests start their own instances on loopback, with temporary
# configs). Idempotent: when the binaries are there it only verifies them.
# Cache dir: $GOROSCOPE_SERVERS_CACHE, default <repo>/.cache/servers.
# Prints CADDY=... and NATS_SERVER=... as its last two lines.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${GOROSCOPE_SERVERS_CACHE:-$REPO/.cache/servers}"
STAMP="$CACHE/root/.goroscope-complete"   # written only after a full unpack
CADDY="$CACHE/root/usr/bin/caddy"
NATS_SERVER="$CACHE/root/usr/sbin/nats-server"
PACKAGES=(caddy nats-server)

log() { echo "setup-servers: $*" >&2; }

if [ ! -f "$STAMP" ] || [ ! -x "$CADDY" ] || [ ! -x "$NATS_SERVER" ]; then
  log "fetching ${PACKAGES[*]} into $CACHE"
  mkdir -p "$CACHE/debs"
  rm -f "$CACHE"/debs/*.deb
  # apt's _apt sandbox user may not be able to write into the repo: download as root then.
  if ! (cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download "${PACKAGES[@]}" >&2); then
    log "download failed; running apt-get update and retrying"
    apt-get update >&2
    (cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download "${PACKAGES[@]}" >&2)
  fi
  rm -rf "$CACHE/root"
  mkdir -p "$CACHE/root"
  for deb in "$CACHE"/debs/*.deb; do
    log "unpacking $(basename "$deb")"
    dpkg -x "$deb" "$CACHE/root"
  done
  touch "$STAMP"
fi
"$CADDY" version >&2
"$NATS_SERVER" --version >&2

echo "CADDY=$CADDY"
echo "NATS_SERVER=$NATS_SERVER"
