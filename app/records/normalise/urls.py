"""Web addresses: one spelling per link, so services from different sources can be matched.

Rule (documented once, tested): brackets or quotes around the whole link are removed; a
link without a scheme gets "https://"; scheme and host are lower-cased (a trailing dot on
the host dropped, international hosts in punycode); the default port is dropped; an empty
path becomes "/" (as browsers write it), while any other path, the query and the fragment
are kept exactly as given, except that tracking parameters and an empty "#" are removed.
"http://" is kept, not upgraded: not every small charity's site serves https.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD_RE = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "igshid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WRAPPERS = ("<>", '""', "''", "()")
MAX_LENGTH = 2_000  # characters: browsers and search engines give up on longer links


def _unwrap(text: str) -> str:
    """Remove one pair of angle brackets, quotes or parentheses around the whole link."""
    for opening, closing in _WRAPPERS:
        if len(text) >= 2 and text[0] == opening and text[-1] == closing:
            return text[1:-1].strip()
    return text


def _has_bad_characters(text: str) -> bool:
    """Whitespace other than a plain space, and control characters, never belong in a link."""
    if text.isascii():  # in ASCII those are exactly the unprintable characters
        return not text.isprintable()
    return any(
        (char.isspace() and char != " ") or unicodedata.category(char).startswith("C")
        for char in text
    )


def _with_scheme(text: str) -> str | None:
    """Add "https://" to a bare "www.example.org"; None for a non-web scheme (mailto:)."""
    if text.startswith("//"):
        return "https:" + text
    scheme = _SCHEME_RE.match(text)
    if scheme is None or text[scheme.end() :][:1].isdigit():  # "example.org:8080/..."
        return "https://" + text
    if scheme.group(1).lower() in _DEFAULT_PORTS and text[scheme.end() :].startswith("//"):
        return text
    return None


def _host(parts: SplitResult) -> str | None:
    """The lower-cased host if it is a plausible public DNS name, else None."""
    hostname = parts.hostname
    if not hostname or "@" in parts.netloc:
        return None
    try:
        host = hostname.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        return None
    return host if _TLD_RE.fullmatch(labels[-1]) else None


def _is_tracking(parameter: str) -> bool:
    """utm_* and the click/mailing identifiers that say nothing about the page."""
    name = unquote(parameter.split("=", 1)[0]).lower()
    return name.startswith("utm_") or name in _TRACKING


def normalise_url(text: str | None) -> str | None:
    """Return the link as "https://www.example.org/path?q=1", or None.

    None for non-web schemes (javascript:, mailto:, tel:), for credentials in the link,
    for anything without a plausible host (a dotted DNS name with an alphabetic TLD) and
    for links over MAX_LENGTH characters.
    """
    if not isinstance(text, str) or len(text) > 4 * MAX_LENGTH:  # not worth reading
        return None
    stripped = _unwrap(text.strip())
    if not stripped or _has_bad_characters(stripped):
        return None
    with_scheme = _with_scheme(stripped.replace(" ", "%20"))
    if with_scheme is None:
        return None
    try:
        parts = urlsplit(with_scheme)
        port = parts.port
    except ValueError:
        return None
    host = _host(parts)
    if host is None:
        return None
    scheme = parts.scheme.lower()
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    url = urlunsplit((scheme, netloc, parts.path or "/", query, parts.fragment))
    return url if len(url) <= MAX_LENGTH else None


def url_host(url: str | None) -> str | None:
    """Return the host of a link without a leading "www." ("example.org"), for matching."""
    normalised = normalise_url(url)
    if normalised is None:
        return None
    host = urlsplit(normalised).hostname or ""
    return host.removeprefix("www.") or None
