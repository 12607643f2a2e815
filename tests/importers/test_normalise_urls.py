"""Web addresses: https added, host lower-cased, tracking removed, non-web links refused."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import normalise_url, url_host

FAST = settings(max_examples=200, database=None, deadline=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The documented rule: no scheme -> https://, empty path -> "/", other paths as given
        ("www.example.org", "https://www.example.org/"),
        ("example.org", "https://example.org/"),
        ("www.mind.org.uk/information-support/", "https://www.mind.org.uk/information-support/"),
        ("camden.gov.uk/Adult-Social-Care", "https://camden.gov.uk/Adult-Social-Care"),
        ("https://www.example.org", "https://www.example.org/"),
        ("https://www.example.org/", "https://www.example.org/"),
        ("https://www.example.org/about", "https://www.example.org/about"),
        ("https://www.example.org/about/", "https://www.example.org/about/"),
        ("//example.org/x", "https://example.org/x"),
        ("  https://example.org/  ", "https://example.org/"),
        ("<https://example.org/>", "https://example.org/"),
        ("www.example.org.", "https://www.example.org/"),
        ('"https://example.org/"', "https://example.org/"),
        ("(www.example.org)", "https://www.example.org/"),
        ("https://example.org/page.", "https://example.org/page."),  # paths as given
        ("example.org/.#", "https://example.org/."),
        # Scheme and host lower-cased; http is not upgraded
        ("HTTPS://WWW.Example.ORG/Path", "https://www.example.org/Path"),
        ("http://example.org", "http://example.org/"),
        ("HTTP://Example.org/a", "http://example.org/a"),
        # Ports: the default one dropped, others kept
        ("https://example.org:443/x", "https://example.org/x"),
        ("http://example.org:80/x", "http://example.org/x"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("example.org:8080/x", "https://example.org:8080/x"),
        # Tracking parameters dropped, the others kept in order and as written
        ("https://example.org/?utm_source=fb&utm_medium=social", "https://example.org/"),
        ("https://example.org/a?utm_source=x&id=3&fbclid=abc", "https://example.org/a?id=3"),
        ("https://example.org/?b=2&gclid=9&a=1", "https://example.org/?b=2&a=1"),
        ("https://example.org/?mc_cid=1&mc_eid=2&_ga=3&q=a%20b", "https://example.org/?q=a%20b"),
        ("https://example.org/?UTM_Campaign=x&page=2", "https://example.org/?page=2"),
        (
            "https://example.org/search?q=food+bank&area=N1",
            "https://example.org/search?q=food+bank&area=N1",
        ),
        # Fragments: only an empty "#" is dropped
        ("https://example.org/page#", "https://example.org/page"),
        ("https://example.org/page#opening-times", "https://example.org/page#opening-times"),
        ("https://example.org/#!/services", "https://example.org/#!/services"),
        ("https://example.org/?utm_source=x#top", "https://example.org/#top"),
        # Spaces in a path are encoded; international hosts become punycode
        ("https://example.org/my leaflet.pdf", "https://example.org/my%20leaflet.pdf"),
        ("https://café.example.org/", "https://xn--caf-dma.example.org/"),
    ],
)
def test_normalise_url_follows_the_documented_rule(text, expected):
    assert normalise_url(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "javascript:alert(1)",
        "JavaScript:void(0)",
        "mailto:info@example.org",
        "tel:02079460018",
        "ftp://example.org/file",
        "data:text/html,hi",
        "info@example.org",
        "example",  # no dot
        "https://localhost/",
        "https://192.168.0.1/",  # no alphabetic top-level domain
        "https://user:secret@example.org/",
        "www.example.org www.other.org",
        "https://exa_mple.org/",
        "https://-example.org/",
        "https://example..org/",
        "https://[::1]/",
        "https://example.org:99999/",
        "https://example.org/\nmore",
        "see our website",
        "N/A",
    ],
)
def test_normalise_url_rejects_non_web_links_and_implausible_hosts(text):
    assert normalise_url(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.example.org/about", "example.org"),
        ("www.Camden.gov.uk", "camden.gov.uk"),
        ("http://example.org:8080/", "example.org"),
        ("https://services.example.org", "services.example.org"),
        ("https://www2.example.org", "www2.example.org"),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_url_host_drops_www_for_matching(text, expected):
    assert url_host(text) == expected


@FAST
@given(st.text())
def test_url_functions_never_raise_and_normalise_is_idempotent(text):
    url = normalise_url(text)
    assert normalise_url(url) == url
    host = url_host(text)
    assert host is None or not host.startswith("www.")


@st.composite
def written_urls(draw):
    """A plausible link as a source might write it."""
    labels = draw(
        st.lists(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=3)
    )
    host = ".".join([*labels, draw(st.sampled_from(["org", "org.uk", "gov.uk", "com", "London"]))])
    scheme = draw(st.sampled_from(["", "https://", "http://", "HTTPS://", "//"]))
    path = draw(st.from_regex(r"(/[A-Za-z0-9._~%-]{0,8}){0,3}", fullmatch=True))
    query = draw(
        st.lists(
            st.sampled_from(["id=1", "utm_source=x", "q=a+b", "fbclid=z", "p=%2F"]), max_size=4
        )
    )
    fragment = draw(st.sampled_from(["", "#", "#top"]))
    return f"{scheme}{host}{path}{'?' + '&'.join(query) if query else ''}{fragment}"


@FAST
@given(written_urls())
def test_written_urls_normalise_idempotently_without_tracking(text):
    url = normalise_url(text)
    assert url is not None
    assert url.startswith(("https://", "http://"))
    assert "utm_" not in url and "fbclid" not in url
    assert not url.endswith("#")
    assert normalise_url(url) == url
    assert url_host(url) == url_host(text)
