"""A fresh clone carries everything it reads: the vendored reference data is all there,
licensed, and no code, test or script reaches outside the repository for it."""

import re
from pathlib import Path

import pytest

from app import reference

ROOT = Path(__file__).resolve().parents[1]
CODE = ["app", "importers", "schemas", "tests", "bench", "scripts", ".ci", "deploy", "migrations"]
OUTSIDE = re.compile(r"""\.\./shared|/\s*["']shared["']|["']shared["']\s*\)?\s*/|/work/shared""")
PATHS = {name: value for name, value in vars(reference).items() if isinstance(value, Path)}


@pytest.mark.parametrize("name", sorted(PATHS))
def test_every_reference_path_is_in_the_repository(name):
    path = PATHS[name]
    assert path.exists(), f"{name}: {path} is missing"
    assert ROOT in path.parents


def test_every_reference_folder_names_its_licence():
    folders = [path for path in reference.REFERENCE.iterdir() if path.is_dir()]
    assert len(folders) >= 5
    index = (reference.REFERENCE / "README.md").read_text()
    for folder in folders:
        assert f"`{folder.name}/" in index, f"{folder.name} is not in the reference README"
        assert any("licen" in child.name.lower() for child in folder.iterdir()), folder.name


def test_no_code_reads_beside_the_repository():
    this = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in CODE
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix in {".py", ".sh", ".toml", ".cfg", ".ini", ""}
        and path != this and "__pycache__" not in path.parts
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]  # fmt: skip
    assert offenders == []
