"""`signpost export` as an operator runs it: one format to a file, or every format into the
dumps folder from a nightly cron job, never leaving a half-written file behind."""

import dataclasses
import json
from pathlib import Path

import pytest
from flask import Flask

from app.export import FORMATS
from app.export.snapshot import dumps_dir


@pytest.fixture
def dumps(app, tmp_path):
    folder = tmp_path / "dumps"
    app.config["SIGNPOST_DUMPS_DIR"] = str(folder)
    return folder


def test_export_one_format_to_a_file(runner, planted, tmp_path):
    out = tmp_path / "services.geojson"
    result = runner.invoke(args=["export", "--format", "geojson", str(out), "--silent"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 6 service_at_locations" in result.output
    assert json.loads(out.read_text())["type"] == "FeatureCollection"
    assert json.loads(Path(f"{out}.meta.json").read_text())["records"] == 6


def test_export_all_writes_every_format_and_the_index(runner, planted, dumps):
    result = runner.invoke(args=["export", "--all", "--silent"])
    assert result.exit_code == 0, result.output
    index = json.loads((dumps / "dumps.json").read_text())
    assert [dump["format"] for dump in index["dumps"]] == list(FORMATS)
    for dump in index["dumps"]:
        path = dumps / dump["name"]
        assert dump["size"] == path.stat().st_size
        assert dump["records"] == 6  # services, or for GeoJSON their places
        assert dump["generated"] == index["generated"]
        assert {licence["name"] for licence in dump["licences"]} == {"OGL-UK-3.0", "CC-BY-4.0"}
        assert [source["name"] for source in dump["sources"]] == ["signpost", "camden-directory"]
    assert sorted(p.name for p in dumps.iterdir() if p.name.startswith(".")) == []


def test_export_all_into_a_chosen_folder(runner, planted, tmp_path):
    folder = tmp_path / "elsewhere"
    result = runner.invoke(args=["export", "--all", "--dir", str(folder), "--silent"])
    assert result.exit_code == 0, result.output
    assert (folder / "dumps.json").is_file()


def test_the_dumps_folder_defaults_to_the_instance_folder(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    assert dumps_dir(app) == tmp_path / "instance" / "dumps"
    app.config["SIGNPOST_DUMPS_DIR"] = "/srv/dumps"
    assert dumps_dir(app) == Path("/srv/dumps")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export"], "Give either --format FORMAT OUT, or --all"),
        (["export", "--all", "--format", "csv", "x.csv"], "Give either --format FORMAT OUT"),
        (["export", "--format", "csv"], "Give the file to write the csv dump to (OUT)"),
        (["export", "--all", "x.csv"], "--all writes into --dir; it takes no OUT file"),
        (["export", "--format", "xml", "x.xml"], "'xml' is not one of"),
    ],
)
def test_mistakes_are_explained_in_a_sentence(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_failed_export_keeps_the_previous_dump_and_leaves_no_temporary_file(
    runner, planted, dumps, monkeypatch
):
    assert runner.invoke(args=["export", "--all", "--silent"]).exit_code == 0
    before = (dumps / "signpost-services.csv").read_bytes()

    def broken(session, path, settings):
        path.write_text("half a dump")
        raise OSError("disk full")

    monkeypatch.setitem(FORMATS, "csv", dataclasses.replace(FORMATS["csv"], write=broken))
    result = runner.invoke(args=["export", "--format", "csv", str(dumps / "signpost-services.csv")])
    assert result.exit_code == 1
    assert "Could not write the dump: disk full" in result.output
    assert (dumps / "signpost-services.csv").read_bytes() == before
    assert [p.name for p in dumps.iterdir() if p.name.startswith(".")] == []
