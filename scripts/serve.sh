#!/usr/bin/env bash
# gunicorn in the foreground, the background-task worker and the periodic-job scheduler beside it; all stop together.
set -euo pipefail
host="$1"; port="$2"
cd "$(dirname "$0")/.."
# Plain http is only for loopback; anywhere else the https defaults (HSTS, secure cookies, redirect) apply.
case "$host" in
  127.*|localhost|::1|"[::1]") export REDVEST_PLAIN_HTTP="${REDVEST_PLAIN_HTTP:-1}" ;;
esac
# /metrics sums the gunicorn workers' counters (prometheus_client multiprocess mode): their files live in this
# directory, emptied at each start (docs/operations.md, "Monitoring").
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${REDVEST_VAR_DIR:-var}/prometheus}"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
queues=$(.venv/bin/python -c "import django,os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','redvest.settings'); django.setup(); from django.conf import settings; print(','.join(settings.TASK_QUEUES))")
.venv/bin/python manage.py db_worker --queue-name "$queues" &
worker=$!
.venv/bin/python manage.py scheduler &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
.venv/bin/gunicorn redvest.wsgi:application --bind "$host:$port" --workers "${WEB_CONCURRENCY:-3}" --access-logfile - --timeout 120
