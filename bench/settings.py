"""Benchmark settings: the product's settings on a separate database, DEBUG off, plus a baseline view.

The database is the one `bench.db` chose for the part: `BENCH_PART_DATABASE_URL` (PostgreSQL), else
`BENCH_DATABASE_URL` when run directly, else the SQLite file `BENCH_SQLITE_PATH` (default
`var/bench.sqlite3`). The product's `DATABASE_URL` is never used here, so a benchmark cannot touch the
demo or production data.
"""

from __future__ import annotations

import os

import dj_database_url

# Benchmarks talk to the site over loopback (test client, local gunicorn): plain http, as `make run` serves.
os.environ.setdefault("REDVEST_PLAIN_HTTP", "1")

from redvest.settings import *  # noqa: F403
from redvest.settings import REPLICA_ALIAS, VAR_DIR

DEBUG = False
ROOT_URLCONF = "bench.urls"

_URL = os.environ.get("BENCH_PART_DATABASE_URL") or os.environ.get("BENCH_DATABASE_URL")
if _URL:
    DATABASES = {"default": dj_database_url.parse(_URL, conn_max_age=600)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BENCH_SQLITE_PATH", str(VAR_DIR / "bench.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
                ),
            },
        }
    }

# A streaming replica of the part's database (`BENCH_REPLICA_URL` → `BENCH_PART_REPLICA_URL`, set by
# bench.db): the product's read routing (redvest/core/replica.py) sends dashboards, public pages, report
# figures and export rows there, as in production. Without it every read is on the primary, whatever the
# product's own DATABASE_REPLICA_URL says.
_REPLICA_URL = os.environ.get("BENCH_PART_REPLICA_URL") if _URL else ""
REPLICA_DATABASE = ""
if _REPLICA_URL:
    DATABASES[REPLICA_ALIAS] = dj_database_url.parse(_REPLICA_URL, conn_max_age=600)
    DATABASES[REPLICA_ALIAS]["OPTIONS"] = {"connect_timeout": 2}
    DATABASES[REPLICA_ALIAS]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASE = REPLICA_ALIAS

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
