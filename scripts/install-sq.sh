#!/usr/bin/env bash
# Makes Sequoia's `sq` available for scripts/gen-client-vectors.ts (the real-client vectors of issue 12).
# Installs Debian's package with apt-get when `sq` is missing; needs root (CI containers run as root).
# Prints what it did. Exit status 0 when sq is usable afterwards.
set -euo pipefail

if command -v sq >/dev/null 2>&1; then
  echo "install-sq: sq already installed: $(command -v sq) ($(sq --version 2>/dev/null | head -n 1))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-sq: sq is missing and installing it needs root: run 'apt-get install -y sq' as root" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-sq: sq is missing and this machine has no apt-get: install Sequoia's sq (0.27 or later) by hand" >&2
  exit 1
fi

echo "install-sq: sq not found; running: apt-get install -y sq"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y sq; then
  echo "install-sq: apt-get install failed; running: apt-get update, then apt-get install -y sq again"
  apt-get update
  apt-get install -y sq
fi
echo "install-sq: installed $(command -v sq) ($(sq --version 2>/dev/null | head -n 1))"
