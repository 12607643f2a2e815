"""Place and text searches keep their costly, point-independent part between requests
(app/search/kept.py) and still show every committed change at once."""

from __future__ import annotations

from sqlalchemy import event, select, update

from app import generation, search
from app.geo.postcodes import PostcodeRow, load_postcodes
from app.models import Service
from app.search import kept
from app.services.services import ServiceFilters, list_services
from tests.search.conftest import make_service

PLACE = "/services?postcode=E8 2EZ&proximity=1000&include_area_wide=true"
GARDEN = "Brixton Community Garden Volunteering"


def names(response) -> list[str]:
    return [item["name"] for item in response.get_json()["contents"]]


def withdraw(session, name: str) -> None:
    """What every writer does: change the service, refresh its index rows."""
    service_id = session.scalar(select(Service.id).where(Service.name == name))
    session.execute(update(Service).where(Service.id == service_id).values(status="inactive"))
    search.index_services(session, [service_id])


def statements(engine, run) -> list[str]:
    """The SQL statements `run()` sends."""
    sent = []
    listener = lambda conn, cursor, statement, *args: sent.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return sent


def area_reads(engine, run) -> list[str]:
    """The statements `run()` sends that read the service areas' index."""
    return [s for s in statements(engine, run) if "service_search_area" in s]


def test_a_place_search_shows_a_committed_withdrawal_at_once(client, session, london, publish):
    publish(
        make_service("Silver Line Helpline", areas=("phone",)),
        make_service("London Befriending Network", 51.40, 0.05, areas=("pan-London",)),
    )
    before = client.get(PLACE).get_json()
    assert "Silver Line Helpline" in names(client.get(PLACE))

    withdraw(session, "Silver Line Helpline")
    session.commit()

    after = client.get(PLACE).get_json()
    assert "Silver Line Helpline" not in [item["name"] for item in after["contents"]]
    assert after["total_items"] == before["total_items"] - 1


def test_a_text_search_shows_a_committed_change_at_once(client, session, london):
    assert names(client.get("/services?search=knit")) == ["Knit and Natter"]
    withdraw(session, "Knit and Natter")
    session.commit()
    assert names(client.get("/services?search=knit")) == []


def test_a_change_rolled_back_is_never_shown(client, session, london, publish):
    publish(make_service("Silver Line Helpline", areas=("phone",)))
    withdraw(session, "Silver Line Helpline")
    # The writer's own session sees its change before committing...
    own = list_services(
        session, ServiceFilters(postcode="E8 2EZ", proximity=1000, include_area_wide=True), 1, 50
    )
    assert "Silver Line Helpline" not in [s.name for s in own.items]
    session.rollback()
    # ...and nobody keeps it once it is rolled back.
    assert "Silver Line Helpline" in names(client.get(PLACE))


def test_a_repeated_place_search_does_not_read_the_area_wide_services_again(
    client, engine, london, publish
):
    publish(*(make_service(f"Helpline {n}", areas=("phone",)) for n in range(30)))
    first = statements(engine, lambda: client.get(PLACE + "&page=2&per_page=5"))
    again = statements(engine, lambda: client.get(PLACE + "&page=2&per_page=5"))
    assert [s for s in first if "service_search_area" in s]
    assert not [s for s in again if "service_search_area" in s]
    assert len(again) < len(first)
    assert (
        client.get(PLACE + "&page=2&per_page=5").get_json()["total_items"] == 31
    )  # and Hackney Men's Shed


def test_services_serving_everywhere_are_read_once_for_every_borough(
    client, engine, london, publish
):
    """Hackney's and Camden's searches share the pan-London/phone part (read once) and
    each reads only its own borough's few rows."""
    publish(
        *(make_service(f"Helpline {n}", areas=("phone",)) for n in range(30)),
        make_service("Camden Carers", areas=("Camden",)),
    )
    hackney = area_reads(engine, lambda: client.get(PLACE))
    camden_place = "/services?postcode=NW5 1QR&proximity=100&include_area_wide=true"
    camden = area_reads(engine, lambda: client.get(camden_place))
    assert len(hackney) == 2  # Hackney's rows, and those of the services serving everywhere
    assert len(camden) == 1  # Camden's only
    listed = names(client.get(camden_place + "&per_page=50"))
    assert "Camden Carers" in listed and "Helpline 0" in listed
    assert listed.index("Camden Carers") < listed.index("Helpline 0")  # by name


def test_the_generation_changes_only_when_a_session_that_indexed_commits(session, london):
    start = generation.current(session)
    session.commit()
    assert generation.current(session) == start

    withdraw(session, "Knit and Natter")
    session.rollback()
    assert generation.current(session) == start

    withdraw(session, "Knit and Natter")
    session.commit()
    assert generation.current(session) != start


def test_a_server_keeps_a_bounded_number_of_ids_dropping_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(kept, "LIMIT_IDS", 10)
    store = kept.KeptIds()
    assert store.get("a", 1) is None  # the first look at generation 1
    store.put("a", ["1"] * 4, 1)
    store.put("b", ["2"] * 4, 1)
    assert store.get("a", 1) == ["1"] * 4  # "a" is now the most recently used
    store.put("c", ["3"] * 4, 1)
    assert store.get("b", 1) is None
    assert store.get("a", 1) and store.get("c", 1)
    assert store.size <= 10
    assert store.get("a", 2) is None  # a new generation forgets everything


def test_a_repeated_search_does_not_look_up_its_postcode_need_or_borough_again(
    client, engine, london
):
    search_path = PLACE + "&taxonomy_term=loneliness"
    assert client.get(search_path).status_code == 200
    again = statements(engine, lambda: client.get(search_path))
    tables = ("FROM postcode", "FROM taxonomy_term", "FROM area ")
    looked_up = [s for s in again if any(table in s for table in tables)]
    assert looked_up == []


def test_a_postcode_loaded_after_a_search_is_found_at_once(client, session, london):
    path = "/services?postcode=E1 6AN&proximity=1000"
    assert client.get(path).status_code == 422
    load_postcodes(session, [PostcodeRow("E1 6AN", 51.5246, -0.0786, "E09000030", None)])
    session.commit()
    assert client.get(path).status_code == 200


def test_a_need_first_published_after_a_search_is_found_at_once(client, london, publish):
    path = PLACE + "&taxonomy_term=kintsugi"
    assert client.get(path).status_code == 422
    publish(make_service("Mend and Make Do", 51.5517, -0.0708, terms=("Kintsugi",)))
    assert names(client.get(path)) == ["Mend and Make Do"]


def test_a_repeated_text_search_does_not_check_or_correct_its_words_again(client, engine, london):
    assert names(client.get("/services?search=gardning")) == [GARDEN]  # corrected
    again = statements(engine, lambda: client.get("/services?search=gardning"))
    assert not [s for s in again if "FROM service_search " in s]  # neither checked nor ranked
    assert names(client.get("/services?search=gardning")) == [GARDEN]
