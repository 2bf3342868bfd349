#!/usr/bin/env bash
# Install the Debian packages this project needs, and only those that are missing.
#   scripts/install-system-deps.sh build   what `make build` needs (PDF rendering, fonts, npm)
#   scripts/install-system-deps.sh test    plus what the tests need (Chromium, poppler's pdftoppm)
set -euo pipefail

build_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra)
test_packages=(poppler-utils chromium chromium-driver)

wanted=("${build_packages[@]}")
# npm installs the site's search shim (and the tests' axe-core). Node.js may come from another
# source (nodesource); install Debian's only when npm is absent.
if ! command -v npm >/dev/null 2>&1; then
  wanted+=(nodejs npm)
fi
if [[ "${1:-build}" == "test" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
