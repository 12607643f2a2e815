"""Search by need to a shortlist in Chromium, at a laptop's and a phone's width: the
results are on the first screen, the map's markers carry the list's numbers (behind a
toggle on the phone), and "Start again for a new patient" empties the shortlist kept in
this browser; no console errors and no serious axe-core violations."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import axe_violations

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip the tests (or, in CI, fail them) with the reason
    expect = None


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_search_by_need_then_shortlist(context, console, live_server, width, height):
    page = context.new_page()
    console.watch(page)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server + "/")
    page.fill("#postcode", "nw3 1lf")
    page.select_option("#taxonomy_term", label="Feeling lonely")
    page.select_option("#proximity", "5000")
    page.click("button.search-button")
    page.wait_for_selector("#results")
    page.wait_for_load_state("load")

    # The results, not the form again, fill the first screen.
    page.evaluate("window.scrollTo(0, 0)")
    heading = page.locator("#results-heading").bounding_box()
    assert heading["y"] + heading["height"] < height
    assert not page.locator("#postcode").is_visible()  # folded into "Change the search"
    names = page.locator(".listing").evaluate_all("items => items.map(i => i.dataset.name)")
    assert "Hampstead Heath Health Walk" in names  # its source files it under loneliness

    numbers = page.locator(".listing[data-lat]").evaluate_all(
        "items => items.map(i => i.dataset.number)"
    )
    assert numbers[:1] == ["1"]
    if width < 1000:
        toggle = page.get_by_role("button", name="Show the map")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert page.get_by_role("button", name="Hide the map").is_visible()
    markers = page.locator("#results-map .map-number")
    expect(markers).to_have_count(len(numbers))
    assert sorted(markers.all_inner_texts()) == sorted(numbers)
    assert axe_violations(page) == []

    first = names[0]
    page.get_by_role("button", name=re.compile(f"^Add to prescription.*{re.escape(first)}")).click()
    assert page.evaluate("JSON.parse(localStorage['signpost.prescription']).length") == 1
    assert axe_violations(page) == []

    page.get_by_role("button", name="Start again for a new patient").click()
    page.wait_for_load_state("load")
    assert page.url == live_server + "/"
    assert page.evaluate("JSON.parse(localStorage['signpost.prescription'] || '[]')") == []
    assert page.locator("#prescription").is_hidden()
    assert console.errors == []
