"""A group finds its organisation and asks to manage it: approved at once when the
account's email address is at the organisation's website, otherwise by a moderator."""

from __future__ import annotations

import pytest

from app.services.claims import domain_matches
from tests.accounts.conftest import CAMDEN, HEATH_WALK


@pytest.mark.parametrize(
    "email, website, matches",
    [
        ("jo@camdenhealthwalks.example.org", "https://camdenhealthwalks.example.org/", True),
        ("jo@camdenhealthwalks.example.org", "https://www.camdenhealthwalks.example.org", True),
        ("Jo@CamdenHealthWalks.example.org", "camdenhealthwalks.example.org/about", True),
        ("jo@walks.example.org", "https://camdenhealthwalks.example.org/", False),
        ("jo@evil-camdenhealthwalks.example.org", "https://camdenhealthwalks.example.org", False),
        ("jo@example.org", "https://camdenhealthwalks.example.org", False),
        ("jo@gmail.com", "https://gmail.com", False),
        ("jo@facebook.com", "https://www.facebook.com/camdenwalks", False),
        ("jo@camdenwalks.wordpress.com", "https://camdenwalks.wordpress.com", False),
        ("jo@camdenhealthwalks.example.org", None, False),
        ("jo@camdenhealthwalks.example.org", "", False),
    ],
)
def test_which_email_addresses_match_a_website(email, website, matches):
    assert domain_matches(email, website) is matches


def claim(client, person, organization=CAMDEN, message=None):
    body = {"message": message} if message else {}
    return client.post(f"/organizations/{organization}/claims", json=body, headers=person.headers)


def test_a_claim_from_the_organisations_own_domain_is_approved_at_once(client, make_person, sample):
    pat = make_person("pat@camdenhealthwalks.example.org")
    response = claim(client, pat)
    assert response.status_code == 201
    assert response.get_json()["status"] == "approved"
    assert client.get("/me", headers=pat.headers).get_json()["organization_ids"] == [CAMDEN]
    # A new editor is not trusted yet: their changes wait for a moderator.
    response = client.patch(
        f"/services/{HEATH_WALK}", json={"alert": "Meet at the café"}, headers=pat.headers
    )
    assert response.status_code == 202


def test_any_other_claim_waits_for_a_moderator(client, make_person, mo, sample):
    pat = make_person("pat@gmail.com")
    response = claim(client, pat, message="I run the Wednesday walk; ring 020 7946 0101.")
    assert response.get_json()["status"] == "pending"
    assert client.get("/me", headers=pat.headers).get_json()["organization_ids"] == []
    queue = client.get("/change_requests?kind=claim", headers=mo.headers).get_json()["contents"]
    assert [c["message"] for c in queue] == ["I run the Wednesday walk; ring 020 7946 0101."]
    client.post(f"/change_requests/{queue[0]['id']}/approve", json={}, headers=mo.headers)
    assert client.get("/me", headers=pat.headers).get_json()["organization_ids"] == [CAMDEN]


def test_a_rejected_claim_grants_nothing(client, make_person, mo, sample):
    pat = make_person("pat@gmail.com")
    claim_id = claim(client, pat).get_json()["id"]
    response = client.post(
        f"/change_requests/{claim_id}/reject",
        json={"reason": "Not known to the group"},
        headers=mo.headers,
    )
    assert response.get_json()["status"] == "rejected"
    assert client.get("/me", headers=pat.headers).get_json()["organization_ids"] == []
    assert (
        client.get(f"/change_requests/{claim_id}", headers=pat.headers).get_json()["reason"]
        == "Not known to the group"
    )


def test_auto_approval_can_be_switched_off(app, client, make_person, sample):
    app.config["SIGNPOST_AUTO_APPROVE_DOMAIN_CLAIMS"] = "false"
    pat = make_person("pat@camdenhealthwalks.example.org")
    assert claim(client, pat).get_json()["status"] == "pending"


def test_an_unverified_email_never_auto_approves(client, make_person, session, sample):
    pat = make_person("pat@camdenhealthwalks.example.org")
    pat.account.email_verified = False
    session.commit()
    assert claim(client, pat).get_json()["status"] == "pending"


@pytest.mark.parametrize("first, status", [("pending", 409), ("approved", 409)])
def test_claiming_twice_is_a_conflict(client, make_person, sample, first, status):
    email = "pat@camdenhealthwalks.example.org" if first == "approved" else "pat@gmail.com"
    pat = make_person(email)
    assert claim(client, pat).get_json()["status"] == first
    assert claim(client, pat).status_code == status


def test_claiming_needs_a_token_and_a_real_organisation(client, make_person, sample):
    assert client.post(f"/organizations/{CAMDEN}/claims", json={}).status_code == 401
    pat = make_person("pat@gmail.com")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert claim(client, pat, organization=unknown).status_code == 404
