#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the browser tests (tests/web/test_page.py).
# Idempotent: does nothing when /usr/bin/chromium exists; runs `apt-get update` only when the
# package is not known to apt yet. Never downloads Playwright's own browser builds.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(command -v chromium)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show chromium >/dev/null 2>&1; then
  $SUDO apt-get update
fi
$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-core
command -v chromium
