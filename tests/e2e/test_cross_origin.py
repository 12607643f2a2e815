"""A council's own page on another origin reads the API from the browser: a list with
`If-None-Match` (a preflighted header) answered 304, the `ETag` readable by its script,
and a write's answer readable too (CORS, issue 21 item 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.wrappers import Response

from tests.e2e.conftest import serving

PAGE = "<!doctype html><html lang='en'><title>Council services</title><h1>Services</h1></html>"


@pytest.fixture(scope="module")
def council_site() -> Iterator[str]:
    """Another origin (its own port): a plain page, as a council's site would serve."""
    with serving(Response(PAGE, mimetype="text/html")) as url:
        yield url


def test_another_site_reads_etag_and_revalidates(page, live_server, council_site, console):
    page.goto(f"{council_site}/directory")
    script = """async (api) => {
        const list = await (await fetch(api + '/services?per_page=1')).json();
        const first = await fetch(api + '/services/' + list.contents[0].id);
        const etag = first.headers.get('ETag');
        const again = await fetch(first.url, {headers: {'If-None-Match': etag},
                                              cache: 'no-store'});
        const write = await fetch(api + '/services', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: '{}'});
        return {status: first.status, etag, again: again.status, write: write.status};
    }"""
    answer = page.evaluate(script, live_server)
    assert answer["status"] == 200
    assert answer["etag"]  # exposed: readable by the other site's script
    assert answer["again"] == 304  # the If-None-Match preflight was allowed
    assert answer["write"] == 401  # readable: no token sent, and it says so
    assert not [e for e in console.errors if "CORS" in e], console.errors
