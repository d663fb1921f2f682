"""RedVest settings: one file, driven by the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REDVEST_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A per-checkout key kept under var/, so a plain `make run` needs no configuration
    # and encrypted columns stay readable across restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

# Separate keys for field encryption and the keyed hash index; derived from SECRET_KEY unless set.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "")
# Data exchange (docs/exchange.md): the key shared with the systems we exchange files with, so a file's
# `证件号码摘要` (HMAC-SHA256 of the normalised ID number) finds the same person on both sides; and the
# name this deployment gives itself in a package's manifest.
EXCHANGE_HASH_KEY = os.environ.get("EXCHANGE_HASH_KEY", "")
EXCHANGE_SYSTEM_NAME = os.environ.get("EXCHANGE_SYSTEM_NAME", "红马甲党员志愿服务平台")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' scripts locally (no CDN, no inline script)
    "csp",
    "treebeard",
    "axes",
    "redvest.core",  # before django_tasks_db: its db_worker command sweeps stale jobs first
    "django_tasks_db",
    "redvest.orgs",
    "redvest.audit",
    "redvest.accounts",
    "redvest.volunteers",
    "redvest.teams",
    "redvest.households",
    "redvest.equipment",
    "redvest.activities",
    "redvest.records",
    "redvest.points",
    "redvest.demo",
    "redvest.demand",
    "redvest.care",
    "redvest.reports",
    "redvest.evaluation",
    "redvest.awards",
    "redvest.publicity",
    "redvest.dashboards",
    "redvest.exchange",
    "redvest.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "redvest.core.api_errors.ApiErrorsAsJson",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "redvest.core.busy.LockTimeoutMiddleware",
]

ROOT_URLCONF = "redvest.urls"
WSGI_APPLICATION = "redvest.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "redvest" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "redvest.core.context_processors.navigation",
            ],
            "string_if_invalid": os.environ.get("TEMPLATE_STRING_IF_INVALID", ""),
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "redvest.core.sqlite",  # Django's, with a lock-free JSON probe
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "redvest.sqlite3")),
            # A file, not memory, for the test database too: concurrency tests need real locking.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", str(VAR_DIR / "test.sqlite3"))},
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, shared by every app server; written through to the database, so a Redis
    # restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "redvest.accounts.backends.UsernameOrPhoneBackend",
    "redvest.accounts.backends.PhoneCodeBackend",
    "redvest.accounts.backends.WeixinBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account (whatever spelling of its login) and, separately, an address after
# repeated failures. Failures count under the resolved account's username (accounts.backends).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "redvest.accounts.backends.lockout_username"
AXES_HANDLER = "redvest.accounts.backends.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "redvest.accounts.views.lockout"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# ISO-first input formats for zh-hans (what `type=date` fields need): redvest/core/formats/zh_Hans.
FORMAT_MODULE_PATH = ["redvest.core.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "redvest" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background work: django.tasks with the database backend (db_worker). Every queue is listed.
# Long jobs (imports, exports) stamp a heartbeat; `jobs_sweep` (at worker start and every minute) resumes or
# fails those silent for longer than this, and fails other tasks left "running" past TASK_RUNNING_MAX_SECONDS.
TASK_HEARTBEAT_STALE_SECONDS = int(os.environ.get("TASK_HEARTBEAT_STALE_SECONDS", "300"))
TASK_RUNNING_MAX_SECONDS = int(os.environ.get("TASK_RUNNING_MAX_SECONDS", "3600"))
# Nightly housekeeping (redvest.core.housekeeping): how long finished task results (failed ones twice as long),
# periodic-run guard rows and heartbeats of stopped processes are kept.
TASK_RESULT_RETENTION_DAYS = int(os.environ.get("TASK_RESULT_RETENTION_DAYS", "14"))
SCHEDULED_RUN_RETENTION_DAYS = int(os.environ.get("SCHEDULED_RUN_RETENTION_DAYS", "30"))
HEARTBEAT_RETENTION_DAYS = int(os.environ.get("HEARTBEAT_RETENTION_DAYS", "7"))
TASK_QUEUES = ["default", "imports", "notifications", "attendance", "points", "sla", "oversight", "exports"]
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": TASK_QUEUES,
    }
}

# ---- Periodic jobs, process heartbeats and /healthz (README "Periodic jobs", "Configuration") ----
# `manage.py scheduler` (django-crontask's APScheduler) enqueues the jobs declared with
# redvest.core.periodic.periodic; each runs once per period (ScheduledRun). CRONTASK_REDIS_URL adds
# django-crontask's Redis lock: one scheduler enqueues, the others stand by.
CRONTASK = {"REDIS_URL": os.environ.get("CRONTASK_REDIS_URL") or None}
PROCESS_HEARTBEAT_SECONDS = int(os.environ.get("PROCESS_HEARTBEAT_SECONDS", "30"))
# /healthz answers 503 when a required part is down: the database always, Redis when REDIS_URL is set, the
# worker's and the scheduler's heartbeats (older than HEALTHZ_HEARTBEAT_MAX_AGE seconds) and the replica
# only when required here (a bare gunicorn without them stays healthy).
HEALTHZ_REQUIRE_WORKER = env_bool("HEALTHZ_REQUIRE_WORKER", False)
HEALTHZ_REQUIRE_SCHEDULER = env_bool("HEALTHZ_REQUIRE_SCHEDULER", False)
HEALTHZ_REQUIRE_REPLICA = env_bool("HEALTHZ_REQUIRE_REPLICA", False)
HEALTHZ_HEARTBEAT_MAX_AGE = int(os.environ.get("HEALTHZ_HEARTBEAT_MAX_AGE", "120"))

# ---- Read replica (redvest/core/replica.py) ----
# DATABASE_REPLICA_URL: a streaming replica of DATABASE_URL. Dashboards, exports, public pages and report
# drafts read from it while it answers with less than REPLICA_MAX_LAG_SECONDS of lag (probed at most every
# REPLICA_CHECK_SECONDS); otherwise, and for REPLICA_PIN_SECONDS after a client writes, from the primary.
REPLICA_ALIAS = "replica"
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_DATABASE = ""
if DATABASE_REPLICA_URL:
    DATABASES[REPLICA_ALIAS] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=600, conn_health_checks=True)
    if DATABASES[REPLICA_ALIAS]["ENGINE"].endswith("postgresql"):
        DATABASES[REPLICA_ALIAS].setdefault("OPTIONS", {})["connect_timeout"] = int(
            os.environ.get("REPLICA_CONNECT_TIMEOUT", "2")
        )
    DATABASES[REPLICA_ALIAS]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASE = REPLICA_ALIAS
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
DATABASE_ROUTERS = ["redvest.core.replica.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "redvest.core.replica.PinPrimaryAfterWrite"
)
# ---- end of the periodic jobs, healthz and replica settings ----

# Notification channels: the in-app inbox is always written; these also deliver.
NOTIFICATION_CHANNELS = [
    c.strip()
    for c in os.environ.get("NOTIFICATION_CHANNELS", "redvest.core.notifications.ConsoleChannel").split(",")
    if c.strip()
]

# SMS (redvest.core.sms; docs/operations.md "SMS"): SMS_GATEWAY is aliyun, tencent, console, or the dotted path of
# an SmsGateway class or a callable(phone, text). Unset, texts go to the log through the console channel, so
# `make run` users read their codes from the server output. The key pair is Aliyun's AccessKey or Tencent's
# SecretId/SecretKey; SMS_APP_ID is Tencent's SmsSdkAppId; SMS_ENDPOINT overrides the provider's address
# (tests point it at a local fake). Each message kind needs the template code the provider approved for it.
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "红马甲")
SMS_APP_ID = os.environ.get("SMS_APP_ID", "")
SMS_REGION = os.environ.get("SMS_REGION", "")
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")
SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", "5"))
SMS_TEMPLATES = {
    kind: os.environ.get(f"SMS_TEMPLATE_{kind.upper()}", "")
    for kind in ("verification_code", "dispatch_notice", "request_accepted", "request_completed", "guardian_consent")
}

# WeChat sign-in (redvest.accounts.weixin): shown on the login page only when the app id and secret are set.
# WEIXIN_AUTHORIZE_URL is the QR page for a web site; inside WeChat's browser use
# https://open.weixin.qq.com/connect/oauth2/authorize with scope snsapi_base. Tests point WEIXIN_API_BASE at a fake.
WEIXIN_APP_ID = os.environ.get("WEIXIN_APP_ID", "")
WEIXIN_APP_SECRET = os.environ.get("WEIXIN_APP_SECRET", "")
WEIXIN_AUTHORIZE_URL = os.environ.get("WEIXIN_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/qrconnect")
WEIXIN_SCOPE = os.environ.get("WEIXIN_SCOPE", "snsapi_login")
WEIXIN_API_BASE = os.environ.get("WEIXIN_API_BASE", "https://api.weixin.qq.com")
WEIXIN_TIMEOUT = float(os.environ.get("WEIXIN_TIMEOUT", "5"))

PAGE_SIZE = 20
# 联户: a household not contacted for this many days is overdue (a to-do for its volunteer or team).
HOUSEHOLD_CONTACT_DAYS = int(os.environ.get("HOUSEHOLD_CONTACT_DAYS", "30"))

# 志愿服务条例 safeguards: an activity spanning more days than this is long-term, one recruiting at least this
# many is a large event; both need a service agreement (activities/conf.py).
ACTIVITY_LONG_TERM_DAYS = int(os.environ.get("ACTIVITY_LONG_TERM_DAYS", "30"))
ACTIVITY_LARGE_EVENT_PARTICIPANTS = int(os.environ.get("ACTIVITY_LARGE_EVENT_PARTICIPANTS", "200"))
# Lists count at most this many rows (then show "共 10,000+ 条"): a page costs the same at any size.
LIST_COUNT_CAP = int(os.environ.get("LIST_COUNT_CAP", "10000"))
API_TOKEN_TTL_DAYS = 30

# --- Observability and backups (docs/operations.md) ------------------------------------------------------------
# Logs: plain text by default (`make run`); LOG_FORMAT=json writes one JSON object a line (python-json-logger)
# for a log collector. Every record carries the request id (core.request_id), also inside background tasks.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "redvest.core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"redvest": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
# Metrics at /metrics (core.monitoring): django-prometheus' middleware times each view. Only its middleware:
# its database wrappers would replace our SQLite engine (redvest.core.sqlite) and add a metric per query.
# The request id middleware sits right inside it, so every later middleware logs with the id.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "redvest.core.request_id.RequestIdMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Who may read /metrics: these addresses or networks (the client address as CLIENT_IP_META_KEY gives it), or
# anyone sending `Authorization: Bearer <METRICS_TOKEN>`. Keep /metrics off the public proxy as well.
METRICS_ALLOWED_IPS = [
    n.strip() for n in os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1/32,::1/128").split(",") if n.strip()
]
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an emptied directory, before gunicorn starts):
# prometheus_client then sums the workers' counters and histograms (read from the environment, not here).
# Backups (`manage.py backup`/`restore`, docs/operations.md): the directory of pg_dump/pg_restore when they are
# not the ones on PATH (they must be of the server's major version or newer).
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")
# --- end Observability and backups ----------------------------------------------------------------------------

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response: scripts and styles only from our own static files, no inline
# code (pages keep their JS and CSS under static/; ECharts and htmx set styles through the CSSOM, which is allowed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Client address for lockout and rate limits: REMOTE_ADDR, or the header a reverse proxy sets (HTTP_X_REAL_IP).
CLIENT_IP_META_KEY = os.environ.get("CLIENT_IP_META_KEY", "REMOTE_ADDR")
AXES_CLIENT_IP_CALLABLE = "redvest.core.ratelimit.client_ip"
RATELIMIT_IP_META_KEY = "redvest.core.ratelimit.client_ip"
# Rate limits on POSTs per address (help form: per user), counted in the cache; e.g. "10/h", "30/m".
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATE_LIMITS = {
    "resident-help": os.environ.get("RATE_LIMIT_HELP", "10/h"),
    # 查询进度 by phone + six-digit code: few tries an hour, so codes cannot be walked through.
    "resident-track": os.environ.get("RATE_LIMIT_TRACK", "20/h"),
    "self-register": os.environ.get("RATE_LIMIT_REGISTER", "10/h"),
    "open311-post": os.environ.get("RATE_LIMIT_OPEN311", "60/h"),
    "api-token": os.environ.get("RATE_LIMIT_TOKEN", "30/m"),
    # One-time codes (注册, 找回密码): sending per address and per phone number, checking per address.
    "phone-code-send": os.environ.get("RATE_LIMIT_CODE_SEND", "20/h"),
    "phone-code-phone": os.environ.get("RATE_LIMIT_CODE_PHONE", "5/h"),
    "phone-code-check": os.environ.get("RATE_LIMIT_CODE_CHECK", "30/h"),
    # WeChat sign-in: starts per address (each one a round trip to WeChat's servers).
    "weixin-login": os.environ.get("RATE_LIMIT_WEIXIN", "30/h"),
}

# Production is https behind a TLS-terminating proxy that sets X-Forwarded-Proto (and overwrites any sent by
# the client). REDVEST_PLAIN_HTTP=1 opts out for plain http on loopback (`make run`); DEBUG implies it.
PLAIN_HTTP = env_bool("REDVEST_PLAIN_HTTP", DEBUG)
if not PLAIN_HTTP:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over http
    SECURE_REDIRECT_EXEMPT += [r"^metrics$"]  # Prometheus scrapes each app server over http
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
