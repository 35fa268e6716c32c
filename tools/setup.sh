#!/usr/bin/env bash
# Installs the Debian packages the build needs, if any are missing. Idempotent: when
# everything is installed it only checks, and touches nothing.
set -euo pipefail

PACKAGES=(
  bazel-bootstrap g++ pkg-config
  protobuf-compiler libprotobuf-dev protobuf-compiler-grpc libgrpc++-dev
  libsqlcipher-dev sqlcipher libssl-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libicu-dev libical-dev libmagic-dev
  clang libclang-rt-14-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
