"""gunicorn settings for Signpost: `gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'`.

App servers are stateless (sessions are signed cookies, state lives in PostgreSQL), so
scale out by running more of them behind the load balancer.
"""

import logging
import multiprocessing
import os
import sys

bind = os.environ.get("SIGNPOST_BIND", "127.0.0.1:8000")
# A search is about half Python, half waiting for PostgreSQL: one worker per core, with
# threads to run one request's Python while others wait for the database, keeps the cores
# as busy as two workers per core did, in half the memory (bench/load.py, 100,000
# services: 126-136 requests/s in 360-390 MB against 108-121 in 570-710 MB).
workers = int(os.environ.get("SIGNPOST_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("SIGNPOST_THREADS", 4))
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
