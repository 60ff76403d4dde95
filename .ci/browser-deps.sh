#!/usr/bin/env bash
# Installs the browser that internal/browsertest drives (Debian chromium)
# and prints its version. Idempotent: does nothing when /usr/bin/chromium
# is already there. Needs root (or run under sudo) on a Debian-based image.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

# /etc/chromium.d/dev-shm may print "[: NNN: unexpected operator"; harmless.
/usr/bin/chromium --version 2>/dev/null
