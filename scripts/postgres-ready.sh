#!/usr/bin/env bash
# Exit 0 when PostgreSQL answers at $1; 3 when it does not (a failure under CI=true).
set -uo pipefail
url="$1"
cd "$(dirname "$0")/.."
check() { .venv/bin/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$url" 2>/dev/null; }
if check; then exit 0; fi
# The local cluster may simply be stopped: start it when we can.
if [ "$(id -u)" = "0" ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  sleep 2
  if check; then exit 0; fi
fi
if [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL is required but does not answer at $url" >&2
  exit 1
fi
exit 3
