"""People and listings for the accounts tests, on top of the sample services.

Two organisations from the sample keep their own listings: Camden Health Walks (Jo,
a trusted editor) and Islington Mind (Sam, a trusted editor). Nell is a new, untrusted
editor at Camden; Mo is a moderator, Ada an admin. Each has an API token.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.auth import passwords
from app.auth.accounts import create_account, link_organization
from app.auth.tokens import create_token
from app.models import Accessibility
from app.models.accounts import Account

CAMDEN = "2f2989ea-f362-5217-b9f4-9a35669b326a"  # Camden Health Walks: two health walks
ISLINGTON = "9df4fc5e-cf8e-5fc3-9538-82a7fac4a189"  # Islington Mind: Knit and Natter
HEATH_WALK = "87d846e3-3283-5ca3-a5c3-17296fa95d8c"  # Camden's
KNIT = "ddf04c75-7e66-5ca0-b971-05abd64292fa"  # Islington's
PASSWORD = "correct horse battery"


@dataclass
class Person:
    account: Account
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Cheap scrypt for tests (the hash format keeps its parameters, so it still verifies)."""
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)


@pytest.fixture
def make_person(session):
    def make(email, role="editor", organizations=(), trusted=False, scope="write", password=None):
        account = create_account(session, email, role, password, trusted=trusted)
        for organization_id in organizations:
            link_organization(session, account, organization_id)
        _row, token = create_token(session, account, scope)
        session.commit()
        return Person(account, token)

    return make


@pytest.fixture
def jo(sample, make_person) -> Person:
    return make_person("jo@camdenhealthwalks.example.org", organizations=[CAMDEN], trusted=True)


@pytest.fixture
def sam(sample, make_person) -> Person:
    return make_person("sam@islingtonmind.example.org", organizations=[ISLINGTON], trusted=True)


@pytest.fixture
def nell(sample, make_person) -> Person:
    return make_person("nell@camdenhealthwalks.example.org", organizations=[CAMDEN])


@pytest.fixture
def mo(sample, make_person) -> Person:
    return make_person("mo@signpost.example", role="moderator")


@pytest.fixture
def ada(sample, make_person) -> Person:
    return make_person("ada@signpost.example", role="admin")


def objects_of(sample: list[dict], service_id: str) -> dict[str, str]:
    """The ids of one sample service's objects of every writable kind."""
    service = next(s for s in sample if s["id"] == service_id)
    sal = service["service_at_locations"][0]
    return {
        "organization": service["organization"]["id"],
        "service": service["id"],
        "location": sal["location"]["id"],
        "service_at_location": sal["id"],
        "schedule": sal["schedules"][0]["id"],
        "phone": service["phones"][0]["id"],
        "contact": service["contacts"][0]["id"],
        "cost_option": service["cost_options"][0]["id"],
        "language": service["languages"][0]["id"],
        "service_area": service["service_areas"][0]["id"],
        "attribute": service["attributes"][0]["id"],
        "term": service["attributes"][0]["taxonomy_term"]["id"],
    }


@pytest.fixture
def listings(sample, session) -> dict[str, dict[str, str]]:
    """{"camden": ids, "islington": ids} of every kind, plus an accessibility row each."""
    found = {"camden": objects_of(sample, HEATH_WALK), "islington": objects_of(sample, KNIT)}
    for ids in found.values():
        row = Accessibility(location_id=ids["location"], description="Step-free entrance")
        session.add(row)
        session.flush()
        ids["accessibility"] = row.id
    session.commit()
    return found
