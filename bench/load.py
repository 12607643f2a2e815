"""Load benchmark: the link workers' search mix at rising concurrency on gunicorn + PostGIS.

    apt-get install -y wrk     # the load generator: C, event-driven, light on a 2-core box
    .venv/bin/python bench/load.py \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/signpost_load
    .venv/bin/python bench/load.py --database ... \\
        --during "import careplace {careplace} --source load-bench --silent" --during "dedupe"

The first run builds the database as bench/search.py does (the public schema is wiped;
100,000 services by default, several minutes on PostGIS); later runs find the last
generated service and reuse it (`--rebuild` forces a new one). Then gunicorn starts with
deploy/gunicorn.conf.py (its workers and threads unless `--workers`/`--threads`), only on
127.0.0.1, with the per-client search rate limit off (one client is the whole load), and
wrk replays the fixed, seeded mix of bench/search.py's kinds (all but `GET /`) at each
concurrency level for `--duration` seconds, each connection walking the
mix from its own offset. Per level it prints requests/s, p50/p95/p99/max latency, errors
(non-2xx answers, connection errors, timeouts), the CPU used per wall second by the
server, by PostgreSQL backends of this database, by wrk itself and by the whole machine
(100% = one core; others' work shows as the difference: the machine is shared), the
server's RSS, and the server's plus PostgreSQL's CPU milliseconds per request, which
load from others does not change much (2 cores / that = the ceiling on an idle box).
PostgreSQL's parallel workers live too briefly to be read from /proc: their CPU shows only
in the machine's column (place searches switch them off; a text ranking may use them).

`--during ARGS` (repeatable) runs `signpost ARGS` in a subprocess against the same
database while the mix runs at `--during-level`, in `--duration` slices until every
command has finished; `{careplace}` is replaced by a generated CarePlace file of
`--import-rows` rows (bench/import.py's generator, a new seed each run, so a re-run
updates rows rather than skipping them). It reports each command's exit status and time,
PostgreSQL's deadlock count before and after, and the slices beside the level without
writers. Target (issue 9): >= 300 search requests/s with p99 <= 250 ms and no errors.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import KINDS, build, existing_postcodes, queries  # noqa: E402
from search_data import uid  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import migrate  # noqa: E402
from app.db import make_engine  # noqa: E402

write_rows = importlib.import_module("import").write_rows  # bench/import.py's CarePlace rows
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/signpost_load"
TICKS = os.sysconf("SC_CLK_TCK")
LUA = """
local paths = {%s}
local threads = {}
index, bad = 0, 0  -- globals: done() reads each thread's `bad` with thread:get
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
function init(args) index = offset end
function request()
  index = index + 1
  return wrk.format("GET", paths[index %% #paths + 1])
end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do non2xx = non2xx + t:get("bad") end
  local e = summary.errors
  io.write(string.format('\\n{"requests": %%d, "us": %%d, "non2xx": %%d, "socket": %%d, ' ..
    '"timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, non2xx, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class Level:
    """One run of the mix: wrk's figures and the CPU each party used meanwhile."""

    label: str
    connections: int
    figures: dict
    cpu: dict[str, float]
    rss_mb: float

    @property
    def rate(self) -> float:
        return self.figures["requests"] / (self.figures["us"] / 1e6)

    @property
    def errors(self) -> int:
        return sum(self.figures[k] for k in ("non2xx", "socket", "timeout"))

    def row(self) -> str:
        f, c = self.figures, self.cpu
        ms = [f[k] / 1000 for k in ("p50", "p95", "p99", "max")]
        return (
            f"{self.label:<10}{self.connections:>5}{f['requests']:>8}{self.rate:>8.0f}"
            + "".join(f"{v:>8.0f}" for v in ms)
            + f"{self.errors:>7}"
            + "".join(f"{c[k]:>8.0%}" for k in ("server", "postgres", "wrk", "machine"))
            + f"{self.rss_mb:>8.0f}{self.cpu_ms:>9.0f}"
        )

    @property
    def cpu_ms(self) -> float:
        """Server and PostgreSQL CPU per request: what the machine's load does not change."""
        return (self.cpu["server"] + self.cpu["postgres"]) / max(self.rate, 1e-9) * 1000


HEADER = (
    f"{'run':<10}{'conc':>5}{'reqs':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    f"{'max ms':>8}{'errors':>7}{'server':>8}{'pg':>8}{'wrk':>8}{'machine':>8}"
    f"{'RSS MB':>8}{'CPU ms/r':>9}"
)


# -- the database -------------------------------------------------------------------------


def prepare(url: str, services: int, rebuild: bool) -> list[str]:
    """The generated postcodes, building the database first unless it already holds the
    last service the generator writes for this count."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            built = connection.execute(
                text("SELECT 1 FROM service WHERE id = :id"), {"id": uid("s", services - 1)}
            ).first()
    except Exception:  # no schema yet
        built = None
    if built and not rebuild:
        migrate.upgrade(engine)  # a database built by an older checkout
        engine.dispose()
        print(f"reusing the {services} generated services in the database")
        return existing_postcodes(url)
    engine.dispose()
    return build(url, services)


def deadlocks(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        ).scalar()
    engine.dispose()
    return int(count or 0)


# -- processes and their CPU ----------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from 3 (state) on


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def server_cpu(master: int) -> float:
    """CPU seconds of gunicorn: the master, its live workers and the workers it reaped
    (max_requests recycles them)."""
    fields = _stat(master)
    total = sum(int(v) for v in fields[11:15]) if fields else 0
    for pid in children(master):
        if fields := _stat(pid):
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to this database, by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            if fields := _stat(int(entry.name)):
                found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS / os.cpu_count()


def rss_mb(master: int) -> float:
    total = 0
    for pid in [master, *children(master)]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
    return total / 1024


# -- the server -------------------------------------------------------------------------------


def serve(url: str, port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    """gunicorn with the production config on 127.0.0.1, once /healthz answers 200."""
    # One client from one address is the whole load: the per-client search limit (app/
    # ratelimit.py) would answer 429 to nearly all of it, so it is off for the bench.
    env = os.environ | {"DATABASE_URL": url, "SIGNPOST_BIND": f"127.0.0.1:{port}",
                        "SIGNPOST_RATE_LIMIT_SEARCH": "0"}  # fmt: skip
    env |= {"SIGNPOST_WORKERS": str(workers)} if workers else {}
    env |= {"SIGNPOST_THREADS": str(threads)} if threads else {}
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
               "--log-level", "warning", "app:create_app()"]  # fmt: skip
    # The JSON access log (a line per request, on standard output) is written, not shown.
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not answer /healthz")


# -- the load ----------------------------------------------------------------------------------


def mix_script(postcodes: list[str], per_kind: int, seed: int, folder: Path) -> Path:
    """wrk's Lua script: the search kinds of bench/search.py interleaved, one list."""
    kinds = queries(postcodes, per_kind, seed)
    paths = [kinds[k][i] for i in range(per_kind) for k in KINDS if k != "floor"]
    script = folder / "mix.lua"
    script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
    return script


@dataclass
class Meter:
    """CPU counters of every party, read before a run and compared after it."""

    master: int
    database: str
    start: dict[str, float] = field(default_factory=dict)
    backends: dict[int, float] = field(default_factory=dict)

    def read(self) -> dict[str, float]:
        busy, wall = machine_busy()
        return {"server": server_cpu(self.master), "machine": busy, "wall": wall}

    def begin(self) -> None:
        self.start, self.backends = self.read(), postgres_cpu(self.database)

    def shares(self, wrk_seconds: float) -> dict[str, float]:
        """CPU seconds per wall second (1.0 = one core busy), each party and the machine.
        PostgreSQL's is summed per backend: one that ended during the run (a recycled
        gunicorn worker's connection) took its CPU with it, so it is low then, never less
        than zero."""
        end = self.read()
        wall = max(end["wall"] - self.start["wall"], 1e-9)
        shares = {k: (end[k] - self.start[k]) / wall for k in ("server", "machine")}
        backends = postgres_cpu(self.database)
        used = sum(cpu - self.backends.get(pid, 0.0) for pid, cpu in backends.items())
        return shares | {"postgres": used / wall, "wrk": wrk_seconds / wall}


def run_wrk(port: int, script: Path, connections: int, seconds: int) -> tuple[dict, float]:
    """wrk's figures (latencies in microseconds) and the CPU seconds wrk itself used."""
    with tempfile.TemporaryFile() as out:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                   "-s", str(script), f"http://127.0.0.1:{port}"]  # fmt: skip
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"wrk failed:\n{output}")
    figures = json.loads(output.strip().splitlines()[-1])
    return figures, usage.ru_utime + usage.ru_stime


def measure(label: str, meter: Meter, port: int, script: Path, conc: int, seconds: int) -> Level:
    meter.begin()
    figures, wrk_seconds = run_wrk(port, script, conc, seconds)
    return Level(label, conc, figures, meter.shares(wrk_seconds), rss_mb(meter.master))


# -- commands alongside ------------------------------------------------------------------------


@dataclass
class Command:
    """A `signpost` command run alongside the load, timed by a thread that waits for it."""

    line: str
    process: subprocess.Popen
    log: Any
    started: float
    seconds: float | None = None

    def wait(self) -> None:
        self.process.wait()
        self.seconds = time.perf_counter() - self.started

    def report(self) -> str:
        self.log.seek(0)
        tail = self.log.read().decode(errors="replace").strip().splitlines()[-5:]
        said = f"`signpost {self.line}`: exit {self.process.returncode} after {self.seconds:.0f} s"
        return said if self.process.returncode == 0 else "\n    ".join([said, *tail])


def start_commands(url: str, lines: list[str], careplace: Path) -> list[Command]:
    env = os.environ | {"DATABASE_URL": url}
    commands = []
    for line in lines:
        args = [arg.replace("{careplace}", str(careplace)) for arg in shlex.split(line)]
        log = tempfile.TemporaryFile()
        process = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        command = Command(shlex.join(args), process, log, time.perf_counter())
        threading.Thread(target=command.wait, daemon=True).start()
        commands.append(command)
    return commands


def with_writers(args, meter: Meter, script: Path, folder: Path, levels: list[Level]) -> None:
    """The mix at --during-level in slices while the --during commands run."""
    careplace = folder / "careplace.csv"
    write_rows(careplace, args.import_rows, seed=int(time.time()))
    before = deadlocks(args.database)
    commands = start_commands(args.database, args.during, careplace)
    slices: list[Level] = []
    while len(slices) < args.max_slices and (
        not slices or any(c.process.poll() is None for c in commands)
    ):
        level = measure("+writers", meter, args.port, script, args.during_level, args.duration)
        slices.append(level)
        print(level.row(), flush=True)
    for command in commands:
        left = command.started + args.during_timeout - time.perf_counter()
        try:
            command.process.wait(timeout=max(left, 0.1))
        except subprocess.TimeoutExpired:
            command.process.kill()  # bounded: a stuck command must not hold the bench
            print(f"`signpost {command.line}` still running after {args.during_timeout} s: killed")
        while command.seconds is None:
            time.sleep(0.01)
        print(command.report())
    found = deadlocks(args.database) - before
    print(f"PostgreSQL deadlocks in this database during the run: {found}")
    print(compare(slices, [lv for lv in levels if lv.connections == args.during_level]))


def compare(slices: list[Level], alone: list[Level]) -> str:
    """Throughput and p99 with the writers (all slices) beside the same level without."""
    requests = sum(s.figures["requests"] for s in slices)
    rate = requests / sum(s.figures["us"] / 1e6 for s in slices)
    worst = max(s.figures["p99"] for s in slices) / 1000
    errors = sum(s.errors for s in slices)
    said = f"with writers: {rate:.0f} req/s, worst slice p99 {worst:.0f} ms, {errors} errors"
    if alone:
        said += f"; alone: {alone[0].rate:.0f} req/s, p99 {alone[0].figures['p99'] / 1000:.0f} ms"
    return said


# -- main ------------------------------------------------------------------------------------------


def verdict(levels: list[Level]) -> str:
    good = [lv for lv in levels if lv.errors == 0 and lv.figures["p99"] <= 250_000]
    if not good:
        return "no level kept p99 <= 250 ms without errors"
    best = max(good, key=lambda lv: lv.rate)
    met = "met" if best.rate >= 300 else "missed"
    p99 = best.figures["p99"] / 1000
    return (
        f"best level within p99 <= 250 ms and no errors: {best.connections} connections, "
        f"{best.rate:.0f} req/s, p99 {p99:.0f} ms (target >= 300 req/s: {met})"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_URL, help="a PostgreSQL SQLAlchemy URL")
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="build the database anew")
    parser.add_argument("--levels", default="1,2,4,8,16,32", help="concurrency levels")
    parser.add_argument("--duration", type=int, default=20, help="seconds per level")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: its config)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: its config)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--per-kind", type=int, default=300, help="requests per kind in the mix")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--during", action="append", default=[], metavar="ARGS",
        help="a signpost command line to run alongside the load (repeatable)",
    )  # fmt: skip
    parser.add_argument("--during-level", type=int, default=16)
    parser.add_argument("--max-slices", type=int, default=15)
    parser.add_argument("--during-timeout", type=int, default=900, help="seconds, then kill")
    parser.add_argument("--import-rows", type=int, default=3000)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install -y wrk")
    postcodes = prepare(args.database, args.services, args.rebuild)
    database = make_engine(args.database).url.database
    with tempfile.TemporaryDirectory() as scratch:
        script = mix_script(postcodes, args.per_kind, args.seed, Path(scratch))
        server = serve(args.database, args.port, args.workers, args.threads)
        try:
            meter = Meter(server.pid, database)
            run_wrk(args.port, script, 4, args.warmup)
            print(f"{args.services} services; levels of {args.duration} s; load: "
                  f"{os.getloadavg()[0]:.2f} (1 min) before\n{HEADER}")  # fmt: skip
            levels = []
            for conc in [int(n) for n in args.levels.split(",")]:
                levels.append(measure("mix", meter, args.port, script, conc, args.duration))
                print(levels[-1].row(), flush=True)
            print(verdict(levels))
            if args.during:
                with_writers(args, meter, script, Path(scratch), levels)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
