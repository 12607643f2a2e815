"""End-to-end fixtures: the app served by werkzeug in a thread (SQLite, sample data,
postcodes and London's boroughs loaded) and Debian's headless Chromium driven by
Playwright.

Playwright's own browser downloads are never used: the tests launch /usr/bin/chromium
(`apt-get install chromium`). Without it, or without the playwright package, the tests
are skipped locally with the reason, and fail in CI (CI set), so they cannot silently
stop running there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app, migrate
from app.demo.sample import load_sample
from app.demo.sample_catalogue import POSTCODE_SAMPLE
from app.geo import LONDON_BOROUGHS, assign_boroughs, load_areas, load_postcodes
from app.taxonomy import ensure_builtin_taxonomy
from importers.readers.postcodes import read_postcodes
from tests.conftest import NO_RATE_LIMITS

CHROMIUM = Path(os.environ.get("SIGNPOST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
IN_CI = bool(os.environ.get("CI"))


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (the end-to-end tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


def load_directory(app) -> None:
    """The sample services and the reference data a place search needs."""
    with app.extensions["signpost_db"].sessionmaker() as session:
        ensure_builtin_taxonomy(session)
        load_sample(session)
        load_postcodes(session, read_postcodes(POSTCODE_SAMPLE))
        load_areas(session, LONDON_BOROUGHS)
        assign_boroughs(session)
        session.commit()


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve a WSGI app on a free port of 127.0.0.1 in a thread; the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def new_context(browser, width: int = 1280, height: int = 900, **options):
    """A browser context with axe-core loaded into every page and a 10 s timeout."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.add_init_script(path=str(AXE))  # via the DevTools protocol: not an inline script
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'signpost.db'}",
            "SIGNPOST_TILE_URL": "",  # no network here: markers without tiles
            "SECRET_KEY": "end-to-end tests",
            **NO_RATE_LIMITS,
        }
    )
    engine = app.extensions["signpost_db"].engine
    migrate.upgrade(engine)
    load_directory(app)
    with serving(app) as url:
        yield url
    engine.dispose()


class Console:
    """Errors the page reported: console errors, uncaught exceptions, failed requests."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def context(browser):
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context, console):
    page = context.new_page()
    console.watch(page)
    return page


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
