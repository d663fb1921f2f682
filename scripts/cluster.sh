#!/usr/bin/env bash
# `make cluster`: the production layout on this one machine, from Debian packages and the venv alone —
# a PostgreSQL 15 primary (WAL archived for point-in-time recovery) and its streaming replica, Redis, two
# gunicorn app servers behind nginx, the task worker and the scheduler. Everything lives under
# var/cluster/ and listens on loopback ports (CLUSTER_* below); the machine's own PostgreSQL and Redis are
# left alone. As root, PostgreSQL runs as the `postgres` user (initdb refuses root).
#
#   scripts/cluster.sh up | down | status | clean
#   scripts/cluster.sh start|stop|kill SERVICE   (primary replica redis app1 app2 nginx worker scheduler scheduler2)
#   scripts/cluster.sh manage ARGS…              (manage.py with the cluster's environment)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
C="$ROOT/var/cluster"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PRIMARY_PORT=${CLUSTER_PG_PRIMARY_PORT:-55401}
PG_REPLICA_PORT=${CLUSTER_PG_REPLICA_PORT:-55402}
PG_PITR_PORT=${CLUSTER_PG_PITR_PORT:-55404}
REDIS_PORT=${CLUSTER_REDIS_PORT:-55403}
NGINX_PORT=${CLUSTER_NGINX_PORT:-8870}
APP1_PORT=${CLUSTER_APP1_PORT:-8871}
APP2_PORT=${CLUSTER_APP2_PORT:-8872}
PY="$ROOT/.venv/bin/python"
ENV_FILE="$C/redvest.env"
# PostgreSQL's data directories and the WAL archive: under var/cluster, unless we are root and the `postgres`
# user cannot reach the checkout (e.g. under /root in CI); then under /var/tmp, linked from var/cluster.
PGD="$C/pg"
ARCHIVE="$C/wal-archive"
if [ "$(id -u)" = "0" ] && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
  outside="/var/tmp/redvest-cluster-$(printf %s "$ROOT" | md5sum | cut -c1-12)"
  PGD="$outside/pg"
  ARCHIVE="$outside/wal-archive"
fi

log() { echo "[cluster] $*"; }
die() { echo "[cluster] $*" >&2; exit 1; }

# PostgreSQL's programs run as the data directory's owner: ourselves, or `postgres` when we are root.
pg_user() { if [ "$(id -u)" = "0" ]; then echo postgres; else id -un; fi; }
as_pg() { if [ "$(id -u)" = "0" ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
psql_primary() { "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

pidfile() { echo "$C/run/$1.pid"; }
alive() { local f; f=$(pidfile "$1"); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# A long-running process in its own session (so a kill takes its children too), output to log/NAME.log.
spawn() {
  local name="$1"; shift
  if alive "$name"; then return 0; fi
  setsid "$@" >>"$C/log/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

signal_group() {
  local name="$1" sig="$2" f; f=$(pidfile "$name")
  [ -f "$f" ] || return 0
  kill "-$sig" -- "-$(cat "$f")" 2>/dev/null || true
}

stop_process() {
  local name="$1" f i; f=$(pidfile "$name")
  [ -f "$f" ] || return 0
  signal_group "$name" TERM
  for i in $(seq 1 100); do alive "$name" || break; sleep 0.1; done
  alive "$name" && signal_group "$name" KILL
  rm -f "$f"
}

wait_http() {
  local url="$1" i
  for i in $(seq 1 300); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  die "no answer from $url (see $C/log/)"
}

write_env() {
  [ -f "$ENV_FILE" ] && return 0
  key() { "$PY" -c "import secrets; print(secrets.token_urlsafe(50))"; }
  cat >"$ENV_FILE" <<EOF
# Written once by scripts/cluster.sh (the keys must stay with the data under var/cluster).
DJANGO_SETTINGS_MODULE=redvest.settings
SECRET_KEY=$(key)
FIELD_ENCRYPTION_KEY=$(key)
BLIND_INDEX_KEY=$(key)
DATABASE_URL=postgres://redvest@127.0.0.1:$PG_PRIMARY_PORT/redvest
DATABASE_REPLICA_URL=postgres://redvest@127.0.0.1:$PG_REPLICA_PORT/redvest
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$NGINX_PORT
CLIENT_IP_META_KEY=HTTP_X_REAL_IP
# Plain http on loopback only; deploy/ keeps the https defaults.
REDVEST_PLAIN_HTTP=1
REDVEST_VAR_DIR=$C/app
MEDIA_ROOT=$C/app/media
# Short, so a job whose worker was killed is picked up within the test's patience.
TASK_HEARTBEAT_STALE_SECONDS=10
WEB_CONCURRENCY=2
# Probe the replica often, so figure (f) sees the fallback at once; report (not require) the background parts.
REPLICA_CHECK_SECONDS=2
HEALTHZ_REQUIRE_WORKER=0
HEALTHZ_REQUIRE_SCHEDULER=0
HEALTHZ_REQUIRE_REPLICA=0
PROCESS_HEARTBEAT_SECONDS=10
LOG_FORMAT=json
FORWARDED_ALLOW_IPS=127.0.0.1
LOG_LEVEL=WARNING
EOF
}

# Runs a command with the cluster's environment (the env file exported).
with_env() { ( set -a; . "$ENV_FILE"; set +a; exec "$@" ); }

pg_conf() {
  cat <<EOF
# make cluster
listen_addresses = '127.0.0.1'
port = $PG_PRIMARY_PORT
unix_socket_directories = '$PGD/sock'
max_connections = 200
shared_buffers = 128MB
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
wal_keep_size = 512MB
hot_standby = on
hot_standby_feedback = on
archive_mode = on
archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'
archive_timeout = 60
log_min_duration_statement = 2000
EOF
}

pg_start() {
  local name="$1" dir="$PGD/$1"
  if as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then return 0; fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$PGD/log/$name.log" -w -t 60 start >/dev/null
}

pg_stop() {
  local dir="$PGD/$1" mode="${2:-fast}"
  [ -d "$dir" ] || return 0
  if as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$dir" -m "$mode" -w -t 60 stop >/dev/null
  fi
}

primary_init() {
  [ -d "$PGD/primary" ] && return 0
  log "initdb: PostgreSQL 15 primary on port $PG_PRIMARY_PORT"
  as_pg "$PG_BIN/initdb" -D "$PGD/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$C/log/initdb.log"
  pg_conf | as_pg tee -a "$PGD/primary/postgresql.conf" >/dev/null
  pg_start primary
  psql_primary -d postgres -c "CREATE ROLE redvest LOGIN CREATEDB" -c "CREATE DATABASE redvest OWNER redvest"
}

replica_init() {
  [ -d "$PGD/replica" ] && return 0
  log "pg_basebackup -R: streaming replica on port $PG_REPLICA_PORT"
  as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -D "$PGD/replica" \
    -R -X stream -c fast -C -S replica1
  printf "port = %s\n" "$PG_REPLICA_PORT" | as_pg tee -a "$PGD/replica/postgresql.conf" >/dev/null
}

# Point-in-time recovery, tried by cluster-test: a base backup now, then (pitr-restore TIME) a scratch
# instance started from it that replays the archived WAL up to TIME and is promoted, on its own port.
pitr_base() {
  as_pg rm -rf "$PGD/pitr-base"
  as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -D "$PGD/pitr-base" -X none -c fast
}

pitr_restore() {
  local target="$1"
  pg_stop pitr
  as_pg rm -rf "$PGD/pitr"
  as_pg cp -a "$PGD/pitr-base" "$PGD/pitr"
  as_pg tee -a "$PGD/pitr/postgresql.conf" >/dev/null <<EOF
port = $PG_PITR_PORT
archive_mode = off
restore_command = 'cp $ARCHIVE/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
  as_pg touch "$PGD/pitr/recovery.signal"
  pg_start pitr
  for _ in $(seq 1 600); do
    [ "$("$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$PG_PITR_PORT" -U postgres -d redvest -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && return 0
    sleep 0.2
  done
  die "the recovered instance never left recovery (see $PGD/log/pitr.log)"
}

app_prepare() {
  local fresh=0
  [ -f "$C/app/.seeded" ] || fresh=1
  # A first load (schema and demo data) need not wait for each commit's WAL flush: the role's setting, for
  # the load only.
  if [ $fresh = 1 ]; then psql_primary -d postgres -c "ALTER ROLE redvest SET synchronous_commit = off"; fi
  log "migrate, collectstatic"
  with_env "$PY" manage.py migrate --noinput -v 0
  with_env "$PY" manage.py collectstatic --noinput -v 0
  if [ $fresh = 1 ]; then
    log "seed_demo (a minute or two)"
    with_env "$PY" manage.py seed_demo >"$C/log/seed.log"
    psql_primary -d postgres -c "ALTER ROLE redvest RESET synchronous_commit"
    touch "$C/app/.seeded"
  fi
}

nginx_conf() {
  local user_line=""
  # As root the workers would drop to `nobody`, who may not read the checkout: keep them as root here.
  if [ "$(id -u)" = "0" ]; then user_line="user root;"; fi
  cat <<EOF
# make cluster: nginx as the current user, everything under var/cluster/nginx.
$user_line
worker_processes 2;
pid $C/nginx/nginx.pid;
error_log $C/log/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $C/nginx/tmp/body;
    proxy_temp_path $C/nginx/tmp/proxy;
    fastcgi_temp_path $C/nginx/tmp/fastcgi;
    uwsgi_temp_path $C/nginx/tmp/uwsgi;
    scgi_temp_path $C/nginx/tmp/scgi;
    sendfile on;
    keepalive_timeout 65;
    include $ROOT/deploy/nginx/redvest-http.conf;
    access_log $C/log/nginx-access.log redvest;
    upstream redvest_app {
        server 127.0.0.1:$APP1_PORT max_fails=1 fail_timeout=10s;
        server 127.0.0.1:$APP2_PORT max_fails=1 fail_timeout=10s;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        server_name localhost 127.0.0.1;
        client_max_body_size 25m;
        client_body_timeout 60s;
        send_timeout 60s;
        server_tokens off;
        location /static/ {
            alias $C/app/static/;
            expires 365d;
            add_header Cache-Control "public, immutable";
            access_log off;
        }
        location = /metrics {
            return 404;
        }
        location / {
            include $ROOT/deploy/nginx/redvest-proxy.conf;
        }
    }
}
EOF
}

queues() { with_env "$PY" -c "import django; django.setup(); from django.conf import settings; print(','.join(settings.TASK_QUEUES))"; }

start_service() {
  case "$1" in
    primary|replica|pitr) pg_start "$1" ;;
    redis)
      spawn redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$C/redis" --save "" --appendonly no \
        --daemonize no --protected-mode yes
      for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done ;;
    app1|app2)
      local port=$APP1_PORT; [ "$1" = app2 ] && port=$APP2_PORT
      # prometheus_client's multiprocess files of this app server's workers, emptied at each start.
      rm -rf "$C/run/prometheus-$1" && mkdir -p "$C/run/prometheus-$1"
      GUNICORN_BIND="127.0.0.1:$port" GUNICORN_ACCESS_LOG="$C/log/$1-access.log" PROMETHEUS_MULTIPROC_DIR="$C/run/prometheus-$1" \
        spawn "$1" bash -c "set -a; . '$ENV_FILE'; set +a; exec '$ROOT/.venv/bin/gunicorn' -c deploy/gunicorn.conf.py redvest.wsgi:application"
      wait_http "http://127.0.0.1:$port/healthz" ;;
    nginx)
      nginx_conf >"$C/nginx/nginx.conf"
      nginx -t -q -p "$C/nginx/" -c "$C/nginx/nginx.conf" 2>>"$C/log/nginx-error.log" || die "nginx -t failed (see $C/log/nginx-error.log)"
      spawn nginx nginx -p "$C/nginx/" -c "$C/nginx/nginx.conf"
      wait_http "http://127.0.0.1:$NGINX_PORT/healthz" ;;
    worker)
      spawn worker bash -c "set -a; . '$ENV_FILE'; set +a; exec '$PY' manage.py db_worker --queue-name '$(queues)' --no-reload --interval 0.5" ;;
    scheduler|scheduler2)
      spawn "$1" bash -c "set -a; . '$ENV_FILE'; set +a; exec '$PY' manage.py scheduler" ;;
    *) die "unknown service: $1" ;;
  esac
}

stop_service() {
  case "$1" in
    primary|replica|pitr) pg_stop "$1" ;;
    *) stop_process "$1" ;;
  esac
}

kill_service() {
  case "$1" in
    primary|replica) pg_stop "$1" immediate ;;
    *) signal_group "$1" KILL; rm -f "$(pidfile "$1")" ;;
  esac
}

up() {
  command -v nginx >/dev/null && command -v redis-server >/dev/null && [ -x "$PG_BIN/initdb" ] \
    || scripts/system-deps.sh --cluster
  command -v nginx >/dev/null || die "nginx is missing: run scripts/system-deps.sh --cluster as root"
  mkdir -p "$C"/{run,log,redis,nginx/tmp,app/media,backups} "$PGD"/{sock,log} "$ARCHIVE"
  if [ "$PGD" != "$C/pg" ]; then ln -sfn "$PGD" "$C/pg"; ln -sfn "$ARCHIVE" "$C/wal-archive"; fi
  if [ "$(id -u)" = "0" ]; then chown "$(pg_user)" "$PGD" "$PGD/sock" "$PGD/log" "$ARCHIVE"; fi
  write_env
  primary_init
  pg_start primary
  replica_init
  pg_start replica
  start_service redis
  app_prepare
  for s in app1 app2 nginx worker scheduler; do start_service "$s"; done
  log "up: nginx http://127.0.0.1:$NGINX_PORT/ → app servers :$APP1_PORT :$APP2_PORT; PostgreSQL primary :$PG_PRIMARY_PORT, replica :$PG_REPLICA_PORT; Redis :$REDIS_PORT; logs in var/cluster/log"
}

down() {
  for s in nginx scheduler scheduler2 worker app1 app2 redis; do stop_process "$s"; done
  pg_stop replica
  pg_stop primary
  pg_stop pitr
  log "down"
}

status() {
  local s
  for s in redis app1 app2 nginx worker scheduler scheduler2; do
    if alive "$s"; then echo "$s: running (pid $(cat "$(pidfile "$s")"))"; else echo "$s: stopped"; fi
  done
  for s in primary replica; do
    if [ -d "$PGD/$s" ] && as_pg "$PG_BIN/pg_ctl" -D "$PGD/$s" status >/dev/null 2>&1; then echo "$s: running"; else echo "$s: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  clean) down; rm -rf "$C"; if [ "$PGD" != "$C/pg" ]; then rm -rf "$(dirname "$PGD")"; fi; log "removed var/cluster" ;;
  start) start_service "$2" ;;
  stop) stop_service "$2" ;;
  kill) kill_service "$2" ;;
  pitr-base) pitr_base ;;
  pitr-restore) pitr_restore "$2" ;;
  manage) shift; with_env "$PY" manage.py "$@" ;;
  # manage-with VAR=value… ARGS…: manage.py with some of the cluster's settings overridden (restore drills).
  manage-with)
    shift; overrides=()
    while [[ "${1:-}" == *=* ]]; do overrides+=("$1"); shift; done
    with_env env "${overrides[@]}" "$PY" manage.py "$@" ;;
  env) cat "$ENV_FILE" ;;
  *) die "usage: scripts/cluster.sh up|down|status|clean|start S|stop S|kill S|manage ARGS|env" ;;
esac
