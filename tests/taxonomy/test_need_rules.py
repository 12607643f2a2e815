"""The needs' rules (app/taxonomy/needs.py): what a link worker relies on when they pick
"Feeling lonely" or type `taxonomy_term=loneliness`, on the sample's own wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import search
from app.demo.sample import load_services
from app.demo.sample_catalogue import ACTIVITIES
from app.models import Attribute, Service
from app.taxonomy import builtin_term_id, ensure_builtin_taxonomy
from app.taxonomy.mapping import category_terms
from app.taxonomy.needs import NEED_RULES, derived_attribute_id, menu, need_term_ids
from tests.search.conftest import make_service

LONELINESS = builtin_term_id("need:loneliness")


def codes(term_ids: list[str]) -> set[str]:
    by_id = {builtin_term_id(rule.code): rule.code for rule in NEED_RULES}
    return {by_id[term_id] for term_id in term_ids}


@pytest.mark.parametrize(
    ("text", "categories", "wanted", "unwanted"),
    [
        (ACTIVITIES["befriending"].description, [], {"need:loneliness"}, set()),
        (ACTIVITIES["debt"].description, [], {"need:debt", "need:benefits"}, set()),
        (ACTIVITIES["bereavement"].names[1], [], {"need:bereavement"}, set()),
        (ACTIVITIES["tai_chi"].description, [], {"need:long-term-conditions"}, set()),
        (ACTIVITIES["carers"].description, [], {"need:carers"}, {"need:employment"}),
        # volunteers who lead a walk are not a volunteering opportunity
        (ACTIVITIES["walking"].description, [], {"activity:active"}, {"activity:volunteering"}),
        ("The benefits of a daily walk", [], {"activity:active"}, {"need:benefits"}),
        ("Careers advice and job search help", [], {"need:employment"}, {"need:carers"}),
        ("Become a volunteer at the food bank", [], {"activity:volunteering"}, set()),
        ("", ["Befriending"], {"need:loneliness"}, set()),
        ("", ["Carers and dementia"], {"need:carers"}, {"need:employment"}),
        ("", ["Social connection"], {"activity:connected"}, set()),
    ],
)
def test_a_service_serves_the_needs_its_words_and_categories_say(
    text, categories, wanted, unwanted
):
    found = codes(need_term_ids([], categories, text))
    assert wanted <= found
    assert not unwanted & found


def test_carers_is_never_a_typo_of_careers():
    assert builtin_term_id("need:employment") not in category_terms("Carers and dementia")
    assert builtin_term_id("need:carers") in category_terms("Carers and dementia")
    assert builtin_term_id("need:employment") in category_terms("Careers advice")
    # a real typo is still forgiven
    assert builtin_term_id("activity:befriending") in category_terms("Befreinding")


def test_every_menu_need_has_a_rule_and_a_label():
    assert len(menu()) == 16
    assert all(rule.phrases or rule.terms for rule in NEED_RULES)


def sample_like(key: str, place: str, index: int) -> dict:
    """A service written as the demo directory writes it: the catalogue's own name and
    description, filed under the theme its source gives it."""
    activity = ACTIVITIES[key]
    name = activity.names[index % len(activity.names)].format(
        place=place, borough=place, venue=f"{place} Hall"
    )
    return make_service(
        name,
        51.53 + index / 1000,
        -0.12,
        terms=(activity.theme,),
        description=activity.description,
    )


@pytest.fixture
def catalogue(session):
    ensure_builtin_taxonomy(session)
    services = [
        sample_like("befriending", "Camden", 0),
        sample_like("befriending", "Hackney", 1),
        sample_like("bereavement", "Islington", 2),
        sample_like("walking", "Camden", 3),
        sample_like("shed", "Hackney", 4),
    ]
    load_services(session, services)
    session.commit()
    return {service["name"]: service["id"] for service in services}


def api_names(client, query: str) -> set[str]:
    response = client.get(f"/services?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return {item["name"] for item in response.get_json()["contents"]}


def test_loneliness_finds_the_befriending_services(client, catalogue):
    """The README's own example, on services that only say "lonely or isolated"."""
    assert api_names(client, "taxonomy_term=loneliness") == {
        "Camden Befriending Service",
        "Telephone Befriending Hackney",
    }
    assert api_names(client, "taxonomy_term=bereavement") == {"Islington Bereavement Café"}
    assert "Walk and Talk Camden" not in api_names(client, "taxonomy_term=activity:volunteering")


def test_a_need_follows_the_text_when_it_changes(session, client, catalogue):
    ident = catalogue["Camden Befriending Service"]
    service = session.get(Service, ident)
    service.name = "Camden Phone Calls"
    service.description = "A weekly phone call from a volunteer."
    session.flush()
    search.index_services(session, [ident])
    session.commit()
    assert "Camden Phone Calls" not in api_names(client, "taxonomy_term=loneliness")
    assert session.get(Attribute, derived_attribute_id(ident, LONELINESS)) is None


def test_a_need_the_source_already_gives_is_not_linked_twice(session, catalogue):
    ident = catalogue["Telephone Befriending Hackney"]
    session.add(
        Attribute(
            id="00000000-0000-4000-8000-000000000001",
            link_id=ident,
            link_entity="service",
            taxonomy_term_id=LONELINESS,
        )
    )
    session.flush()
    search.index_services(session, [ident])
    session.flush()
    links = session.scalars(
        select(Attribute.id).where(
            Attribute.link_id == ident, Attribute.taxonomy_term_id == LONELINESS
        )
    ).all()
    assert links == ["00000000-0000-4000-8000-000000000001"]


def test_reindexing_changes_nothing_the_second_time(session, catalogue):
    ids = list(catalogue.values())
    before = sorted(session.scalars(select(Attribute.id).where(Attribute.link_id.in_(ids))))
    search.index_services(session, ids)
    session.flush()
    after = sorted(session.scalars(select(Attribute.id).where(Attribute.link_id.in_(ids))))
    assert before == after
