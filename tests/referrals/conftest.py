"""People for the referral tests, on the sample directory.

Camden Health Walks (Jo, its editor) runs HEATH_WALK; Islington Mind (Sam) runs KNIT.
Rae is a referrer at the Kentish Town practice, Rex one at another practice; Mo a
moderator. Each has a write token.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.models import Organization
from tests.accounts.conftest import (  # noqa: F401  (fixtures)
    CAMDEN,
    HEATH_WALK,
    ISLINGTON,
    KNIT,
    PASSWORD,
    Person,
    fast_passwords,
    jo,
    make_person,
    mo,
    sam,
)

PRACTICE = "5d0b1f4e-9c2a-4d7e-8f10-2a3b4c5d6e01"
OTHER_PRACTICE = "5d0b1f4e-9c2a-4d7e-8f10-2a3b4c5d6e02"
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def practices(sample, session):
    for ident, name in (
        (PRACTICE, "Kentish Town Health Centre"),
        (OTHER_PRACTICE, "Elsewhere PCN"),
    ):
        session.add(Organization(id=ident, name=name, description="A GP practice."))
    session.commit()


@pytest.fixture
def rae(practices, make_person) -> Person:  # noqa: F811
    return make_person("rae@kentishtown.example.nhs.uk", role="referrer", organizations=[PRACTICE])


@pytest.fixture
def rex(practices, make_person) -> Person:  # noqa: F811
    return make_person(
        "rex@elsewhere.example.nhs.uk", role="referrer", organizations=[OTHER_PRACTICE]
    )
