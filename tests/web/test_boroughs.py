"""The borough overview: active services per borough and per need, gaps marked."""

import re

from sqlalchemy import update

from app.models import Service
from app.web.boroughs import count_services_by_borough_and_need
from tests.web.conftest import MENS_SHED, page


def row(body: str, borough: str) -> list[str]:
    cells = re.search(rf'<th scope="row">{borough}</th>(.*?)</tr>', body, re.S).group(1)
    return [cell.strip() for cell in re.findall(r"<td[^>]*>([^<]*)", cells)]


def test_counts_per_borough_and_need(client, directory):
    status, body = page(client, "/boroughs")
    assert status == 200
    assert '<th scope="col">Feeling lonely</th>' in body
    camden = row(body, "Camden")
    assert camden[0] == "2"  # both walks
    assert camden[1] == "1"  # feeling lonely: the Hampstead walk
    assert camden[4] == "2"  # getting active: both walks
    assert row(body, "Hackney")[:2] == ["1", "1"]
    assert '<td class="gap">' in body and "a dash marks a gap" in body


def test_withdrawn_services_are_not_counted(session, directory):
    session.execute(update(Service).where(Service.id == MENS_SHED).values(status="inactive"))
    session.flush()
    counts = count_services_by_borough_and_need(session)
    assert counts["need:loneliness"] == {"Camden": 1}


def test_without_boroughs_the_page_says_so(client, sample):
    _status, body = page(client, "/boroughs")
    assert "No borough boundaries are loaded yet" in body
