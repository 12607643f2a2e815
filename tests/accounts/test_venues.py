"""Issue 19, M1: an editor runs their services only at their own organisation's venues.

Before, Sam (Islington Mind) could link Knit and Natter to Camden's Parliament Hill Café;
the café then belonged to both organisations and Camden's own editor got 403 on it.
Now the link is refused in the one error format and Camden keeps its venue.
"""

from __future__ import annotations

from app.models import new_id
from tests.accounts.conftest import HEATH_WALK, ISLINGTON, KNIT

CAFE = "7da4f5d9-ff21-570d-94d7-cb6920fae998"  # Camden's Parliament Hill Café
MIND_CENTRE = "3cd7146c-c6ef-5fce-a2ba-98dd08a3d928"  # Islington's


def knit_venue(client, sam) -> str:
    """The id of Knit and Natter's service_at_location at the Islington Mind Centre."""
    service = client.get(f"/services/{KNIT}").get_json()
    [sal] = service["service_at_locations"]
    assert sal["location"]["id"] == MIND_CENTRE
    return sal["id"]


def assert_refused(response) -> None:
    assert response.status_code == 403
    body = response.get_json()
    assert set(body) >= {"code", "status", "message"}
    assert "location" in body["message"]


def assert_camden_keeps_its_cafe(client, jo) -> None:
    response = client.patch(
        f"/locations/{CAFE}", json={"description": "By the lido"}, headers=jo.headers
    )
    assert response.status_code == 200, response.get_json()


def test_an_editor_may_not_run_a_service_at_another_organisations_venue(client, jo, sam):
    response = client.post(
        "/service_at_locations",
        json={"service_id": KNIT, "location_id": CAFE},
        headers=sam.headers,
    )
    assert_refused(response)
    assert_camden_keeps_its_cafe(client, jo)


def test_nor_move_their_service_there(client, jo, sam):
    sal_id = knit_venue(client, sam)
    response = client.patch(
        f"/service_at_locations/{sal_id}", json={"location_id": CAFE}, headers=sam.headers
    )
    assert_refused(response)
    response = client.put(
        f"/service_at_locations/{sal_id}",
        json={"service_id": KNIT, "location_id": CAFE},
        headers=sam.headers,
    )
    assert_refused(response)
    assert_camden_keeps_its_cafe(client, jo)


def test_their_own_venues_and_a_moderators_links_still_work(client, jo, sam, mo):
    location_id = new_id()
    made = client.post(
        "/locations",
        json={"id": location_id, "name": "Annexe", "organization_id": ISLINGTON},
        headers=sam.headers,
    )
    assert made.status_code == 201
    sal_id = knit_venue(client, sam)
    moved = client.patch(
        f"/service_at_locations/{sal_id}", json={"description": "Upstairs"}, headers=sam.headers
    )
    assert moved.status_code == 200  # the venue did not change: no venue check
    linked = client.post(
        "/service_at_locations",
        json={"service_id": KNIT, "location_id": location_id},
        headers=sam.headers,
    )
    assert linked.status_code == 201
    shared = client.post(
        "/service_at_locations",
        json={"service_id": HEATH_WALK, "location_id": MIND_CENTRE},
        headers=mo.headers,
    )
    assert shared.status_code == 201  # staff may share a venue
