"""The open data dumps: /dumps/ (a page listing them), /dumps/index.json, /dumps/<name>.

The dumps are written by `signpost export --all` (a nightly cron job) into the dumps
folder; these views only read its dumps.json index and serve the files it lists, with
ETag and Last-Modified so a mirror re-downloads only what changed (304 otherwise).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from app.errors import NotFound
from app.export.files import INDEX_NAME, read_index, served_files
from app.export.snapshot import dumps_dir

blp = Blueprint("dumps", __name__, url_prefix="/dumps")


def current_index() -> tuple[Path, dict[str, Any] | None]:
    directory = dumps_dir(current_app)
    return directory, read_index(directory)


@blp.get("/")
def list_dumps() -> str:
    """A page listing each dump with its size, records, time, licence and attribution."""
    _directory, index = current_index()
    dumps = index["dumps"] if index else []
    sources = {source["name"]: source for dump in dumps for source in dump["sources"]}
    return render_template("dumps.html", index=index, dumps=dumps, sources=sources.values())


@blp.get("/index.json")
def dumps_index() -> Response:
    return dump_file(INDEX_NAME)


@blp.get("/<name>")
def dump_file(name: str) -> Response:
    """A file the index lists, sent with ETag and Last-Modified (304 if unchanged)."""
    directory, index = current_index()
    if index is None:
        raise NotFound("No dumps have been written yet (run `signpost export --all`).")
    if name not in served_files(index):
        raise NotFound(f"No dump named '{name}'.")
    media_types = {dump["name"]: dump["media_type"] for dump in index["dumps"]}
    mimetype = media_types.get(name, "application/json")
    return send_from_directory(directory, name, mimetype=mimetype, conditional=True)


def human_size(size: int) -> str:
    """1234567 -> '1.2 MB'."""
    if size < 1000:
        return f"{size} bytes"
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size / 1e3:.1f} kB"


blp.add_app_template_filter(human_size)
