"""Referral codes in headless Chromium: a link worker prints a prescription of five
activities on one A4 page (codes, QR code, short link, distances, notes and contact
block), the group acknowledges a code a person brings and records that they attended,
and the commissioner's uptake page shows the count only once it reaches 5."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from app import create_app, migrate
from app.auth.accounts import create_account, link_organization
from tests.accounts.conftest import CAMDEN, HEATH_WALK, PASSWORD
from tests.conftest import NO_RATE_LIMITS, SAMPLE
from tests.e2e.conftest import AXE, axe_violations, load_directory

EMAIL = "jo@camdenhealthwalks.example.org"
NOTES = (
    "Likes walking but has not been out much since the winter; would prefer a small group. "
    "Suggested trying the Wednesday walk first and the knitting group if the weather turns. "
) * 3
CONTACT = "Sam Okafor, social prescribing link worker, Kentish Town PCN, 020 7946 0123"


@pytest.fixture(scope="module")
def referral_server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("referrals-e2e")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'signpost.db'}",
                      "SECRET_KEY": "referrals", "SIGNPOST_SECURE_COOKIES": "false",
                      "SIGNPOST_TILE_URL": "", **NO_RATE_LIMITS})  # fmt: skip
    engine = app.extensions["signpost_db"].engine
    migrate.upgrade(engine)
    load_directory(app)
    with app.extensions["signpost_db"].sessionmaker() as session:
        editor = create_account(session, EMAIL, "editor", PASSWORD, trusted=True)
        link_organization(session, editor, CAMDEN)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    engine.dispose()


@pytest.fixture
def pages(browser):
    """A new browser context (its own cookies and localStorage) per call."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(path=str(AXE))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def five_activities() -> list[str]:
    """The heath walk and four more sample services with a venue."""
    services = json.loads(SAMPLE.read_text())
    others = [s["id"] for s in services if s["id"] != HEATH_WALK and s.get("service_at_locations")]
    return [HEATH_WALK, *others[:4]]


def make_codes(page, base: str, ids: list[str]) -> list[str]:
    page.goto(f"{base}/prescription?ids={','.join(ids)}")
    page.get_by_role("button", name="Give each activity a referral code").click()
    page.wait_for_selector("[data-code]")
    page.wait_for_load_state("load")
    return page.locator("[data-code]").all_inner_texts()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_print_acknowledge_attend_and_count(pages, referral_server, console):
    base = referral_server
    worker = pages()  # the link worker, not signed in
    console.watch(worker)

    # The link worker prints five activities: one A4 page.
    ids = five_activities()
    codes = make_codes(worker, base, ids)
    assert len(codes) == 5 and all(re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", c) for c in codes)
    assert re.search(r"/p/[0-9A-Z]{8}$", worker.url)
    assert (
        worker.locator(".prescription-item").evaluate_all(
            "items => items.map(i => i.dataset.serviceId)"
        )
        == ids
    )  # in the order chosen
    short = worker.input_value("#share-link")
    assert short == worker.url
    worker.fill("#postcode", "NW3 1LF")
    worker.fill("#contact", CONTACT)
    worker.fill("#notes", NOTES)
    worker.get_by_role("button", name="Show distances from this postcode").click()
    worker.wait_for_selector(".distance")
    worker.wait_for_load_state("load")
    assert worker.locator(".distance").count() == 5
    assert worker.locator(".share svg[role=img]").is_visible()  # the QR code
    assert axe_violations(worker) == []
    worker.emulate_media(media="print")
    printed = worker.inner_text("main")
    assert NOTES.strip() in printed.replace("\n", " ") or NOTES.split(".")[0] in printed
    assert CONTACT in printed and short in printed
    assert "check the details" not in printed
    assert not worker.locator("#postcode").is_visible()
    assert worker.locator(".print-head svg").is_visible()  # the QR code, top right
    pdf = worker.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) == 1
    worker.emulate_media(media="screen")
    kept = worker.evaluate("JSON.parse(localStorage['signpost.referralCodes'])")
    assert kept == codes

    # Four more prescriptions with the walk: five referrals to it in all.
    walk_codes = [codes[0]] + [make_codes(worker, base, [HEATH_WALK])[0] for _ in range(4)]
    worker.goto(base + "/uptake")
    assert "Hampstead Heath Health Walk" in worker.inner_text("main")  # 5 referrals: a row
    row = worker.locator("tr", has_text="Hampstead Heath Health Walk")
    assert row.locator('[data-column="attended"]').inner_text() == "0"

    # The group: each person arrives with their code; Jo marks them contacted, attended.
    group = pages()  # the group's editor, on another computer
    console.watch(group)
    group.goto(base + "/account/sign-in")
    group.fill("#email", EMAIL)
    group.fill("#password", PASSWORD)
    group.get_by_role("button", name="Sign in").click()
    group.wait_for_selector("#referrals-heading")
    assert all(code in group.inner_text(".incoming-referrals") for code in walk_codes)
    assert axe_violations(group) == []
    for n, code in enumerate(walk_codes, start=1):
        group.goto(base + "/account/")
        group.fill("#code", code.lower().replace("-", " "))
        group.get_by_role("button", name="Find").click()
        group.wait_for_selector("h1:has-text('Referral')")
        for status in ("contacted", "attended"):
            group.goto(f"{base}/account/referrals?code={code}")
            group.select_option("select[name=status]", status)
            group.get_by_role("button", name=re.compile("^Save")).click()
            group.wait_for_selector("#referrals-heading")
        worker.goto(base + "/uptake")
        attended = worker.locator("tr", has_text="Hampstead Heath Health Walk").locator(
            '[data-column="attended"]'
        )
        assert attended.inner_text() == (str(n) if n >= 5 else "<5")

    # The link worker sees the outcome of the codes kept in the browser.
    worker.goto(base + "/my-referrals")
    worker.wait_for_selector("[data-my-codes] tr")
    table = worker.locator("[data-my-codes]")
    worker.wait_for_function(
        "() => !document.querySelector('[data-my-codes]').innerText.includes('…')"
    )
    assert table.locator("tr", has_text=codes[0]).inner_text().count("attended") == 1
    assert axe_violations(worker) == []
    assert console.errors == []
