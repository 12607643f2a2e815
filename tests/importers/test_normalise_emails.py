"""Email addresses: unwrapped from mailto: and angle brackets, domain lower-cased."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.records.normalise import normalise_email

FAST = settings(max_examples=200, database=None, deadline=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("info@example.org", "info@example.org"),
        ("  info@example.org  ", "info@example.org"),
        ("Info@Example.ORG", "Info@example.org"),  # the local part keeps its case
        ("mailto:info@example.org", "info@example.org"),
        ("MAILTO:info@example.org", "info@example.org"),
        ("mailto:hello@mind-in-camden.org.uk?subject=Referral", "hello@mind-in-camden.org.uk"),
        ("<info@example.org>", "info@example.org"),
        ("Jo Bloggs <Jo.Bloggs@Example.org>", "Jo.Bloggs@example.org"),
        ('"Camden Carers" <carers@camden.gov.uk>', "carers@camden.gov.uk"),
        ("<mailto:info@example.org>", "info@example.org"),
        ("info@example.org.", "info@example.org"),
        ("info@example.org;", "info@example.org"),
        ("(info@example.org)", "info@example.org"),
        ("first.last+referrals@nhs.net", "first.last+referrals@nhs.net"),
        ("ageuk_islington@ageuk.org.uk", "ageuk_islington@ageuk.org.uk"),
    ],
)
def test_normalise_email_unwraps_and_lower_cases_the_domain(text, expected):
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "info",
        "info@example",  # no dot in the domain
        "info@@example.org",
        "@example.org",
        "info@.org",
        "info@example..org",
        "info@-example.org",
        "info@example.o",  # one-letter top-level domain
        "info@example.123",
        "first..last@example.org",
        ".info@example.org",
        "jo bloggs@example.org",
        "info@exa mple.org",
        "info@example.org, help@example.org",
        "info@exämple.org",
        "see website",
    ],
)
def test_normalise_email_rejects_what_is_not_an_address(text):
    assert normalise_email(text) is None


@FAST
@given(st.text())
def test_normalise_email_never_raises_and_is_idempotent(text):
    email = normalise_email(text)
    assert email is None or "@" in email
    assert normalise_email(email) == email


@FAST
@given(st.emails())
def test_generated_addresses_keep_their_shape(address):
    email = normalise_email(address)
    if email is not None:
        local, domain = email.rsplit("@", 1)
        assert domain == domain.lower()
        assert email.lower() in address.lower()  # trimmed, never invented
        assert normalise_email(email) == email


@FAST
@given(
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){0,2}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,10}\.(org|org\.uk|gov\.uk|nhs\.net|com)", fullmatch=True),
    st.sampled_from(["{}", "mailto:{}", "<{}>", "Name <{}>", " {}. "]),
)
def test_wrapped_addresses_are_unwrapped(local, domain, wrapper):
    address = f"{local}@{domain}"
    assert normalise_email(wrapper.format(address.upper())) == f"{local.upper()}@{domain}"
