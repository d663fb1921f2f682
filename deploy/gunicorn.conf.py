"""gunicorn settings for one RedVest app server, read from the environment (systemd's EnvironmentFile or
`make cluster`): `gunicorn -c deploy/gunicorn.conf.py redvest.wsgi:application`."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# nginx buffers slow clients, so plain sync workers are enough; 120 s covers the heaviest PDF page.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this host (or the load balancer's address) may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
proc_name = "redvest-" + bind.rsplit(":", 1)[-1]
