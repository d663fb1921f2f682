#!/usr/bin/env bash
# Debian packages the product and its tests need: Chromium for browser tests, CJK fonts and
# HarfBuzz subsetting + Pango for WeasyPrint PDFs. Installs only what is missing, only as root.
# `--runtime` leaves out what only the tests need (Chromium), for a production server.
# `--cluster` adds the servers `make cluster` runs as the current user: PostgreSQL 15 (primary and
# replica), Redis and nginx (their packages' own services are not started or reconfigured by us).
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 libjpeg62-turbo)
case "${1:-}" in
  --runtime) ;;
  --cluster) packages+=(postgresql-15 postgresql-client-15 redis-server nginx) ;;
  *) packages+=(chromium) ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing Debian packages (run as root to install): ${missing[*]}" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
