"""NDJSON benchmark: `format=ndjson` streams of N generated services, rows/s and peak RSS.

    .venv/bin/python bench/ndjson.py                       # SQLite files, 20k and 100k
    .venv/bin/python bench/ndjson.py --services 100000 \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/signpost_bench

For each size, builds a fresh database as bench/search.py does (bench/search_data.py's
generator; the PostgreSQL database's public schema is wiped), then for each stream starts
a fresh gunicorn worker (one sync worker, on 127.0.0.1), warms it with one small page,
reads its peak RSS (VmHWM), streams the whole answer, counting lines as they arrive, and
reads the peak again. Constant memory shows as the same growth at 20k and at 100k.
Streams: the list form of /services, the fully nested form (`full=true`), a filtered
one (`taxonomy_term` of a need) and /service_at_locations.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import build, get, serve  # noqa: E402
from search_data import NEEDS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STREAMS = {
    "services": "/services?format=ndjson",
    "services_full": "/services?format=ndjson&full=true",
    "services_need": f"/services?format=ndjson&taxonomy_term={NEEDS[0]}",
    "service_at_locations": "/service_at_locations?format=ndjson",
}


def worker_pid(server_pid: int) -> int:
    """gunicorn's (only) worker: the master's child."""
    for _ in range(50):
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM")


def stream(port: int, path: str) -> tuple[int, int]:
    """(lines, bytes) of the streamed answer, read as it arrives; every line parsed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path)
    response = connection.getresponse()
    if response.status != 200 or response.getheader("Content-Type") != "application/x-ndjson":
        raise SystemExit(f"{path} answered {response.status} {response.getheader('Content-Type')}")
    lines = size = 0
    for line in response:
        json.loads(line)
        lines += 1
        size += len(line)
    connection.close()
    return lines, size


def measure(url: str, port: int, names: list[str]) -> None:
    print(f"{'stream':<22}{'rows':>8}{'MB':>8}{'s':>7}{'rows/s':>8}{'RSS MB':>8}{'+peak MB':>9}")
    for name in names:
        path = STREAMS[name]
        server = serve(url, port, 1, timeout=900)  # a whole-directory stream takes minutes
        try:
            pid = worker_pid(server.pid)
            get(port, path.replace("format=ndjson", "per_page=5"))  # warm: imports, caches
            before = peak_rss_mb(pid)
            started = time.perf_counter()
            rows, size = stream(port, path)
            took = time.perf_counter() - started
            after = peak_rss_mb(pid)
        finally:
            server.terminate()
            server.wait()
        print(
            f"{name:<22}{rows:>8}{size / 1e6:>8.1f}{took:>7.1f}{rows / took:>8.0f}"
            f"{after:>8.0f}{after - before:>9.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, action="append", help="default: 20000, 100000")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a SQLite temp file)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--stream", action="append", choices=STREAMS, help="default: all")
    args = parser.parse_args()
    for count in args.services or [20_000, 100_000]:
        with tempfile.TemporaryDirectory() as scratch:
            url = args.database or f"sqlite:///{Path(scratch) / 'bench.db'}"
            print(f"\n{count} services")
            build(url, count)
            measure(url, args.port, args.stream or list(STREAMS))


if __name__ == "__main__":
    main()
