"""gunicorn settings for Signpost: `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`.

App servers are stateless (sessions are signed cookies, state lives in PostgreSQL), so
scale out by running more of them behind the load balancer.
"""

import logging
import multiprocessing
import os
import sys

bind = os.environ.get("SIGNPOST_BIND", "127.0.0.1:8000")
# Search is database-bound: two workers per core keeps the cores busy while others wait.
workers = int(os.environ.get("SIGNPOST_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("SIGNPOST_THREADS", 2))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then: bounded memory over weeks
max_requests_jitter = 500
accesslog = None  # the app writes its own JSON access log (app/http.py), without personal data
errorlog = "-"
loglevel = "info"


def post_worker_init(worker) -> None:
    """Nothing else gives the app's "signpost.access" logger a handler under gunicorn, and
    an INFO line with none is dropped: send its lines, as they are, to standard output."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("signpost.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
