"""Free text: the invisible mess that spreadsheets, CMSs and Google My Maps leave in cells.

Non-breaking and zero-width spaces, HTML entities and ragged whitespace make equal text
compare unequal and look odd on the page. Line breaks are kept: in source cells they
separate list items ("Mon 9-5" / "Tue 9-5") and opening-time parsing relies on them.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

_LINE_BREAKS_RE = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_SPACES_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# In ASCII text the only control, format or surrogate characters are these (Cc).
_ASCII_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_TAGS = frozenset(
    "p div li ul ol tr table h1 h2 h3 h4 h5 h6 blockquote section article header footer "
    "address pre dt dd".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title"})


def _tidy(text: str) -> str:
    """Remove invisible characters, one space between words, at most one blank line."""
    text = _LINE_BREAKS_RE.sub("\n", text)
    if text.isascii():  # most cells: a regex instead of a category look-up per character
        text = _ASCII_CONTROLS_RE.sub("", text)
    else:
        text = "".join(
            char
            for char in text
            if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf", "Cs")
        )
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def clean_text(value: str | None) -> str | None:
    """Return `value` with entities unescaped and whitespace tidied, or None if empty.

    NBSP and other Unicode spaces become plain spaces, zero-width characters and control
    characters go, runs of spaces become one, lines are stripped, and runs of blank lines
    become one blank line (a paragraph break).
    """
    if not isinstance(value, str):
        return None
    return _tidy(unescape(value)) or None


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks where the layout has them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def _end_block(self, newlines: int) -> None:
        """End a line (or a paragraph) unless the text already ends one."""
        ending = "".join(self.parts[-4:]).rstrip(" \t")
        present = len(ending) - len(ending.rstrip("\n")) if ending else newlines
        self.parts.append("\n" * max(0, newlines - present))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._end_block(2 if tag == "p" else 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._end_block(2 if tag == "p" else 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(html: str | None) -> str:
    """Return the plain text of an HTML fragment (a Google My Maps description).

    <br> and block elements become line breaks, other tags are dropped, entities are
    unescaped, script and style contents are skipped; whitespace is tidied as in
    clean_text. Line breaks already in the text are kept too: My Maps descriptions mix
    them with <br>. Uses the standard library's lenient html.parser.
    """
    if not isinstance(html, str):
        return ""
    extractor = _TextExtractor()
    # html.parser raises on a malformed "<![" section; such text is shown, not parsed.
    extractor.feed(html.replace("<![", "&lt;!["))
    extractor.close()
    return _tidy("".join(extractor.parts))
