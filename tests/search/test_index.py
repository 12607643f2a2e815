"""The vocabulary and suggestion tables follow the services as they are written."""

from sqlalchemy import delete, select, update

from app import search
from app.models import Service
from app.search.auxiliary import rebuild_auxiliary, suggestion_table, word_table
from tests.search.conftest import make_service


def suggestions(client, typed):
    return [
        s["text"]
        for s in client.get("/suggest", query_string={"q": typed}).get_json()["suggestions"]
    ]


def test_renaming_a_service_changes_its_suggestions(client, session, publish):
    (service,) = publish(make_service("Chair Yoga"))
    assert suggestions(client, "chair") == ["Chair Yoga"]
    session.execute(
        update(Service).where(Service.id == service["id"]).values(name="Seated Pilates")
    )
    search.index_services(session, [service["id"]])
    session.commit()
    assert suggestions(client, "chair") == []
    assert suggestions(client, "pil") == ["Seated Pilates"]


def test_a_new_word_can_correct_a_typo_at_once(client, publish):
    publish(make_service("Ukulele Orchestra"))
    names = [s["name"] for s in client.get("/services?search=ukelele").get_json()["contents"]]
    assert names == ["Ukulele Orchestra"]


def test_the_tables_can_be_rebuilt_from_the_text_index(client, session, sample):
    session.execute(delete(word_table))
    session.execute(delete(suggestion_table))
    rebuild_auxiliary(session)
    session.commit()
    assert "gardening" in set(session.scalars(select(word_table.c.word)))
    assert suggestions(client, "gar")[:2] == [
        "Gardening and green activity",
        "Brixton Community Garden Volunteering",
    ]
