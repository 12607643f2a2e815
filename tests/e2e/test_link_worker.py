"""A link worker's morning in a real browser: search by postcode and need, read the
results nearest first, open a service, put two activities in a prescription and print it;
the same without JavaScript; with no console errors and no serious axe-core violations."""

from __future__ import annotations

import re

from tests.e2e.conftest import axe_violations

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip the tests (or, in CI, fail them) with the reason
    expect = None

HAMPSTEAD = "Hampstead Heath Health Walk"
REGENTS_PARK = "Regent's Park Health Walk"


def search(page, base: str, postcode: str, need: str, distance: str = "5000") -> None:
    page.goto(base + "/")
    page.fill("#postcode", postcode)
    page.select_option("#taxonomy_term", label=need)
    page.select_option("#proximity", distance)
    page.click("button.search-button")
    page.wait_for_selector("#results")
    page.wait_for_load_state("load")  # the deferred scripts have run


def result_names(page) -> list[str]:
    return page.locator(".listing").evaluate_all("items => items.map(i => i.dataset.name)")


def test_search_open_a_service_and_print_a_prescription(page, live_server, console):
    page.goto(live_server + "/")
    assert page.title() == "Find local activities and support – Signpost"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert axe_violations(page) == []

    # Suggestions as you type: an accessible combobox over /suggest.
    page.locator("#search").press_sequentially("walk", delay=30)
    page.wait_for_selector("#search-suggestions [role=option]")
    assert page.get_attribute("#search", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    first = page.locator("#search-suggestions [role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    assert page.input_value("#search").lower().startswith("walk")
    assert page.get_attribute("#search", "aria-expanded") == "false"
    page.fill("#search", "")

    search(page, live_server, "nw3 1lf", "Getting active")
    assert result_names(page) == [HAMPSTEAD, REGENTS_PARK]
    distances = page.locator(".listing").evaluate_all(
        "items => items.map(i => parseFloat(i.dataset.distance))"
    )
    assert distances == sorted(distances) and distances[0] > 0
    assert "minutes' walk" in page.inner_text(".listing >> nth=0")
    expect(page.locator("#results-map .leaflet-marker-icon")).to_have_count(2)  # no tiles
    assert axe_violations(page) == []

    # Two activities into the prescription, by keyboard; kept in localStorage.
    for name in (HAMPSTEAD, REGENTS_PARK):
        button = page.get_by_role("button", name=re.compile(f"^Add to prescription.*{name}"))
        button.focus()
        page.keyboard.press("Enter")
    panel = page.locator("#prescription")
    assert panel.is_visible()
    assert "2 activities in the prescription" in panel.inner_text()
    assert page.evaluate("JSON.parse(localStorage['signpost.prescription']).length") == 2
    removal = re.compile(f"^Remove from prescription.*{HAMPSTEAD}")
    assert page.get_by_role("button", name=removal).count() == 1

    # The service page.
    page.get_by_role("link", name=HAMPSTEAD, exact=True).first.click()
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == HAMPSTEAD
    assert "Added directly to Signpost." in page.inner_text(".provenance")
    assert page.get_by_role("button", name="Remove from prescription").count() == 1
    assert axe_violations(page) == []

    # The printable prescription holds both, and its link holds only their IDs.
    page.get_by_role("link", name="See the prescription").click()
    page.wait_for_selector(".prescription-item")
    page.wait_for_load_state("load")
    assert re.search(r"/prescription\?ids=[0-9a-f-]{36},[0-9a-f-]{36}$", page.url)
    assert page.locator(".prescription-item h2").all_inner_texts() == [HAMPSTEAD, REGENTS_PARK]
    assert page.input_value("#share-link") == page.url
    assert page.locator("button[data-print]").is_visible()
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("button[data-print]").is_visible()
    assert page.locator(".prescription-item").nth(1).is_visible()
    page.emulate_media(media="screen")

    # From the menu, the prescription page shows what this browser keeps.
    page.goto(live_server + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Prescription").click()
    page.wait_for_selector(".prescription-item")
    page.wait_for_load_state("load")  # its scripts loaded, before the next page aborts them
    assert page.locator(".prescription-item").count() == 2

    page.goto(live_server + "/boroughs")
    assert page.locator("table.boroughs:not(.capacity-by-borough)").count() in (0, 1)
    assert axe_violations(page) == []
    assert console.errors == []


def test_a_bad_postcode_is_announced_and_focused(page, live_server, console):
    page.goto(live_server + "/")
    page.fill("#postcode", "ZZ99 9ZZ")
    page.click("button.search-button")
    alert = page.get_by_role("alert")
    assert "We could not find that postcode" in alert.inner_text()
    expect(alert).to_be_focused()
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
    assert [e for e in console.errors if "422" not in e] == []  # the page itself is a 422


def test_the_core_search_and_prescription_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        search(page, live_server, "NW3 1LF", "Getting active")
        assert result_names(page) == [HAMPSTEAD, REGENTS_PARK]
        assert not page.locator("#results-map").is_visible()
        page.get_by_role("button", name=re.compile(f"^Add to prescription.*{HAMPSTEAD}")).click()
        assert "shortlist=" in page.url and page.url.endswith(
            f"#result-{page.url.split('shortlist=')[1].split('#')[0]}"
        )
        page.check(f"#pick-{page.locator('.listing').nth(1).get_attribute('data-service-id')}")
        page.get_by_role("button", name="Add chosen to prescription").click()
        assert "2 activities chosen" in page.inner_text("#prescription")
        page.get_by_role("link", name="Print or share the prescription").click()
        assert page.locator(".prescription-item h2").all_inner_texts() == [HAMPSTEAD, REGENTS_PARK]
    finally:
        context.close()
