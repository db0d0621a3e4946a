#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, on a bare Debian machine: Go 1.19 and Go 1.27
# (real fixture services), OpenSSH server (a throwaway sshd on loopback), Chromium (UI tests),
# Prometheus 2.42 (a throwaway server on loopback that finds fleets of fixture services).
# Idempotent and quick when everything is there. Needs root or sudo for apt-get.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
[ -x /usr/lib/go-1.19/bin/go ] || missing+=(golang-go)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "test-env: installing ${missing[*]} with apt-get" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
bash "$REPO/scripts/setup-go.sh" >/dev/null
bash "$REPO/scripts/setup-servers.sh" >/dev/null
