"""Writing dump files so a reader never sees half of one, and the dumps.json index.

Every file is written to a hidden temporary file in the same folder and renamed over the
old one only when complete (a rename within one filesystem is atomic), so the web server
keeps serving yesterday's dump while tonight's is written, and a crash leaves it intact.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

INDEX_NAME = "dumps.json"
META_SUFFIX = ".meta.json"


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write; renamed to `path` if the block succeeds, else removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json_atomically(path: Path, document: Any) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def meta_path(path: Path) -> Path:
    """The metadata file beside a dump: services.csv -> services.csv.meta.json."""
    return path.with_name(path.name + META_SUFFIX)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_index(directory: Path) -> dict[str, Any] | None:
    """The dumps.json of a dumps folder, or None when no dump has been written there."""
    try:
        return json.loads((directory / INDEX_NAME).read_text())
    except FileNotFoundError:
        return None


def served_files(index: dict[str, Any]) -> set[str]:
    """The file names the index lists (dumps and their metadata): all /dumps/ serves."""
    names = {INDEX_NAME}
    for dump in index.get("dumps", []):
        names |= {dump["name"], dump["meta"]}
    return names
