"""Everything Signpost publishes, as text, for scans for what must never be published.

The public API (lists, each service, its history, organisations, locations), the web
pages, every dump file (zip members too) and the log records written meanwhile.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

API_LISTS = (
    "/services?per_page=100",
    "/organizations?per_page=100",
    "/locations?per_page=100",
    "/service_at_locations?per_page=100",
)


def api_and_pages(client) -> dict[str, str]:
    """{path: body} of the public API and pages, every service's record and history."""
    found = {path: client.get(path).get_data(as_text=True) for path in API_LISTS}
    services = client.get("/services?per_page=100").get_json()["contents"]
    found["/"] = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for service in services:
        for path in (
            f"/services/{service['id']}",
            f"/services/{service['id']}/history?per_page=100",
            f"/service/{service['id']}",
        ):
            found[path] = client.get(path).get_data(as_text=True)
    return found


def dumps(runner, folder: Path) -> dict[str, str]:
    """{file name: text} of every dump `signpost export --all` writes."""
    result = runner.invoke(args=["export", "--all", "--dir", str(folder), "--silent"])
    assert result.exit_code == 0, result.output
    found: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    found[f"{path.name}!{member}"] = archive.read(member).decode("utf-8", "replace")
        else:
            found[path.name] = path.read_bytes().decode("utf-8", "replace")
    return found


def everything(client, runner, folder: Path, caplog) -> dict[str, str]:
    """API, pages, dumps and the log records so far."""
    found = {**api_and_pages(client), **dumps(runner, folder)}
    found["(logs)"] = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    return found


def holding(outputs: dict[str, str], *needles: str) -> dict[str, list[str]]:
    """{needle: the outputs holding it} for each needle found anywhere (case-insensitive)."""
    found = {}
    for needle in needles:
        where = [name for name, text in outputs.items() if needle.lower() in text.lower()]
        if where:
            found[needle] = where
    return found
