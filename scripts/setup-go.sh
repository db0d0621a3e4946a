#!/usr/bin/env bash
# Installs the Go toolchains the integration tests record from:
#   - Go 1.19 from Debian bookworm's golang-go (system install, /usr/lib/go-1.19)
#   - Go 1.27 from Debian sid, fetched with a *private* apt list and unpacked
#     with dpkg -x into a cache dir (the system apt config is never touched).
# Idempotent: when both toolchains are present it only verifies them.
# Cache dir: $GOROSCOPE_GO_CACHE, default <repo>/.cache/go.
# Prints GO119_ROOT=... and GO127_ROOT=... as its last two lines.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${GOROSCOPE_GO_CACHE:-$REPO/.cache/go}"
GO119_ROOT=/usr/lib/go-1.19
GO127_VER=1.27
GO127_ROOT="$CACHE/root/usr/lib/go-$GO127_VER"
STAMP="$CACHE/root/.goroscope-complete"   # written only after a full unpack

log() { echo "setup-go: $*" >&2; }

# --- Go 1.19 (system) -------------------------------------------------------
if [ ! -x "$GO119_ROOT/bin/go" ]; then
  log "installing golang-go (Go 1.19) with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y golang-go >&2; then
    log "install failed; running apt-get update and retrying"
    apt-get update >&2
    apt-get install -y golang-go >&2
  fi
fi
GOROOT="$GO119_ROOT" GOTOOLCHAIN=local "$GO119_ROOT/bin/go" version >&2

# --- Go 1.27 (Debian sid, private apt state) --------------------------------
if [ ! -f "$STAMP" ] || [ ! -x "$GO127_ROOT/bin/go" ] || [ ! -f "$GO127_ROOT/src/runtime/proc.go" ]; then
  log "fetching golang-$GO127_VER from Debian sid into $CACHE"
  mkdir -p "$CACHE/lists/partial" "$CACHE/debs" "$CACHE/root"
  echo 'deb http://deb.debian.org/debian sid main' > "$CACHE/sources.list"
  APT_OPTS=(
    -o "Dir::Etc::sourcelist=$CACHE/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$CACHE/lists"
  )
  apt-get "${APT_OPTS[@]}" update >&2
  if ! apt-cache "${APT_OPTS[@]}" show "golang-$GO127_VER-go" >/dev/null 2>&1; then
    log "golang-$GO127_VER-go is not in Debian sid any more; available:"
    apt-cache "${APT_OPTS[@]}" search '^golang-1\.[0-9]+-go$' >&2 || true
    exit 1
  fi
  rm -f "$CACHE"/debs/*.deb
  # apt's _apt sandbox user may not be able to write into the repo; download
  # as root in that case (only a warning otherwise).
  (cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root \
      download "golang-$GO127_VER-go" "golang-$GO127_VER-src" >&2)
  rm -rf "$CACHE/root"
  mkdir -p "$CACHE/root"
  for deb in "$CACHE"/debs/*.deb; do
    log "unpacking $(basename "$deb")"
    dpkg -x "$deb" "$CACHE/root"
  done
  touch "$STAMP"
fi
GOROOT="$GO127_ROOT" GOTOOLCHAIN=local "$GO127_ROOT/bin/go" version >&2

echo "GO119_ROOT=$GO119_ROOT"
echo "GO127_ROOT=$GO127_ROOT"
