"""Writing an import's problems (rejections and warnings) as CSV for the person fixing them."""

from __future__ import annotations

import csv
from pathlib import Path

from importers.pipeline.run import ImportReport

COLUMNS = ["kind", "source", "file", "position", "key", "field", "reason"]


def write_problems(report: ImportReport, file_name: str, out: Path) -> int:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for p in report.problems:
            writer.writerow(
                [p.kind, report.source, file_name, p.position, p.key or "", p.field or "", p.reason]
            )
    return len(report.problems)
