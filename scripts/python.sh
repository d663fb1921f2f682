#!/usr/bin/env bash
# Print the path of a Python 3.12 interpreter (pyenv's when present, via .python-version).
set -euo pipefail
cd "$(dirname "$0")/.."
for candidate in python3.12 "$(command -v pyenv >/dev/null 2>&1 && pyenv which python3.12 2>/dev/null || true)" python python3; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
for dir in "$HOME"/.pyenv/versions/3.12*/bin; do
  if [ -x "$dir/python3.12" ]; then echo "$dir/python3.12"; exit 0; fi
done
echo "Python 3.12 not found: install it (pyenv install 3.12, or apt-get install python3.12)" >&2
exit 1
