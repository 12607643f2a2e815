"""deploy/: the production gunicorn config serves the app and writes its access log."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_writes_one_json_access_line_per_request_without_the_query(tmp_path):
    database = f"sqlite:///{tmp_path}/deploy.db"
    cli = [sys.executable, "-c", "from app.cli import main; main()"]
    env = {**os.environ, "DATABASE_URL": database}
    subprocess.run([*cli, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    env |= {"SIGNPOST_BIND": f"127.0.0.1:{port}", "SIGNPOST_WORKERS": "1"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "app:create_app()",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        for _ in range(100):
            try:
                assert fetch(f"http://127.0.0.1:{port}/healthz") == 200
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited instead of serving"
                time.sleep(0.2)
        assert fetch(f"http://127.0.0.1:{port}/services?postcode=NW5+1QR&per_page=1") == 422
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert {"endpoint": "/services", "status": 422} in [
        {"endpoint": line["endpoint"], "status": line["status"]} for line in lines
    ]
    assert "NW5" not in output  # a patient's postcode is personal data
