#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages polisi needs, if any is missing.
#
#   bash tools/deps.sh          build dependencies (compiler, CMake, PCRE2, utf8proc)
#   bash tools/deps.sh --test   the same plus what the tests need (cmocka, python3, valgrind,
#                               Dask and pandas for the python_dask test)
#
# Uses apt-get, through sudo only when not root. Runs nothing when every
# package is already installed. On a system without apt-get it only warns:
# install the equivalent packages yourself.
set -euo pipefail

packages=(build-essential cmake pkg-config libpcre2-dev libutf8proc-dev)
if [ "${1:-}" = "--test" ]; then
  packages+=(libcmocka-dev python3 valgrind clang)
  # polisi.dask and its test (python_dask): Debian's Dask for /usr/bin/python3
  packages+=(python3-dask python3-distributed python3-pandas)
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: no apt-get here; make sure these (or your system's equivalents) are installed:" >&2
  echo "  ${packages[*]}" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps.sh: all dependencies are installed"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "deps.sh: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
  [ -t 0 ] || as_root=(sudo -n)  # no terminal to ask for a password on
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
${as_root[@]+"${as_root[@]}"} apt-get update -q
${as_root[@]+"${as_root[@]}"} apt-get install -y -q --no-install-recommends "${missing[@]}"
