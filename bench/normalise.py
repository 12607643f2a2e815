"""How long each normaliser takes on very long repetitions of what its patterns look for.

    .venv/bin/python bench/normalise.py [--sizes 40000,400000]

The timing half of tests/importers/test_normalise_hostile.py (tests hold no wall-clock
limits): a pattern that backtracks over the rest of the text at each position is
quadratic, so ten times the text takes a hundred times as long. Prints, per size, the
slowest function and piece and the p50/p99/max over every (function, piece) pair, and
the growth from the smallest size to the largest (about 10 for 10x text means linear).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.importers.test_normalise_hostile import FUNCTIONS, PIECES  # noqa: E402


def timings(size: int) -> dict[tuple[str, str], float]:
    """Seconds per (function name, piece) for text of `size` characters."""
    result = {}
    for function in FUNCTIONS:
        for piece in PIECES:
            text = piece * (size // len(piece))
            started = time.perf_counter()
            function(text)
            result[(function.__name__, piece)] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40000,400000", help="characters, comma-separated")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    runs = {size: timings(size) for size in sizes}
    for size, run in runs.items():
        values = sorted(run.values())
        (name, piece), slowest = max(run.items(), key=lambda item: item[1])
        print(
            f"{size:>9,} chars, {len(values)} pairs: p50 {statistics.median(values) * 1e3:.2f} ms,"
            f" p99 {values[int(len(values) * 0.99)] * 1e3:.2f} ms, max {slowest * 1e3:.1f} ms"
            f" ({name} on {piece!r})"
        )
    if len(sizes) > 1:
        first, last = runs[sizes[0]], runs[sizes[-1]]
        growth = max(last[key] / max(first[key], 1e-6) for key in first)
        print(f"worst growth {sizes[0]:,} -> {sizes[-1]:,} chars: x{growth:.1f}")


if __name__ == "__main__":
    main()
