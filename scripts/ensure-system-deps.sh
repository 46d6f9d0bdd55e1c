#!/usr/bin/env bash
# Makes sure the system tools the tests need are present: xmllint (the ONVIF schema kit),
# curl (an independent HTTP Digest client), unshare and ip (WS-Discovery runs only inside a
# private network namespace), openssl (test certificates). Installs them from Debian's packages
# when running as root; otherwise says exactly what is missing and how to get it.
set -euo pipefail

declare -A pkg_for=(
  [xmllint]=libxml2-utils
  [curl]=curl
  [unshare]=util-linux
  [ip]=iproute2
  [openssl]=openssl
)

missing=()
for tool in "${!pkg_for[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${pkg_for[$tool]}")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing from Debian's packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "Missing system packages: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
exit 1
