"""Free text: invisible characters, entities and ragged whitespace tidied; HTML stripped."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import clean_text, strip_html

FAST = settings(max_examples=200, database=None, deadline=None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Camden Carers Centre  ", "Camden Carers Centre"),
        ("Camden\u00a0Carers", "Camden Carers"),  # no-break space
        ("Camden\u202fCarers", "Camden Carers"),  # narrow no-break space
        ("Camden\u200b Carers\u200d", "Camden Carers"),  # zero-width characters
        ("\ufeffCamden Carers", "Camden Carers"),  # byte order mark
        ("Food  bank\t\tin  N1", "Food bank in N1"),
        ("Fish &amp; chips", "Fish & chips"),
        ("Caf&eacute; &#8211; open", "Café – open"),
        ("Mon 9-5\nTue 9-5", "Mon 9-5\nTue 9-5"),  # line breaks are kept
        ("Mon 9-5\r\nTue 9-5", "Mon 9-5\nTue 9-5"),
        ("  line one  \n  line two  ", "line one\nline two"),
        ("First paragraph.\n\n\n\nSecond.", "First paragraph.\n\nSecond."),
        ("First.\n \n\t\nSecond.", "First.\n\nSecond."),
        ("\n\nText\n\n", "Text"),
        ("Bell\x07 character", "Bell character"),
        ("", None),
        ("   ", None),
        ("\u00a0\u200b\n", None),
        (None, None),
    ],
)
def test_clean_text_tidies_whitespace_and_entities(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "Mon 9-5<br>Tel: 020 7946 0018<br/><br><b>Fish</b> &amp; chips",
            "Mon 9-5\nTel: 020 7946 0018\n\nFish & chips",
        ),
        ("Opening times:<br>Tuesdays 10am-12pm", "Opening times:\nTuesdays 10am-12pm"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>a<div>b</div></div>", "a\nb"),
        ("<ul><li>Advice</li><li>Food</li></ul>", "Advice\nFood"),
        ('<a href="https://example.org">Our website</a>', "Our website"),
        ("<script>alert(1)</script>Hello", "Hello"),
        ("<style>p {color: red}</style>Hello", "Hello"),
        ("Caf&eacute; &lt;open&gt;", "Café <open>"),
        ("Plain text, no tags", "Plain text, no tags"),
        ("<b>Unclosed <i>tags", "Unclosed tags"),
        ("a &nbsp; b", "a b"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("", ""),
        (None, ""),
    ],
)
def test_strip_html_turns_my_maps_descriptions_into_text(html, expected):
    assert strip_html(html) == expected


@FAST
@given(st.text())
def test_clean_text_never_raises_and_leaves_no_mess(value):
    text = clean_text(value)
    if text is not None:
        assert text == text.strip()
        assert "  " not in text and "\n\n\n" not in text
        assert not any(char in text for char in "\u00a0\u200b\ufeff\r")


@FAST
@given(st.text())
def test_strip_html_never_raises_on_any_text(value):
    assert isinstance(strip_html(value), str)


@FAST
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<br>",
                    "<br/>",
                    "<p>",
                    "</p>",
                    "<b>",
                    "</b>",
                    "<div>",
                    "&amp;",
                    "&nbsp;",
                    "<![",
                    "<!--",
                    "-->",
                    "<a href='x'>",
                    "</a>",
                    "<",
                    ">",
                    "&#",
                    "<!DOCTYPE",
                ]
            ),
            st.text(max_size=5),
        ),
        max_size=15,
    )
)
def test_strip_html_never_raises_on_tag_soup(parts):
    text = strip_html("".join(parts))
    assert text == text.strip()
