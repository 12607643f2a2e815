"""The built-in social prescribing taxonomy, and mapping a source's categories onto it."""

import pytest
from sqlalchemy import func, select

from app.models import Taxonomy, TaxonomyTerm
from app.taxonomy import (
    TAXONOMY_NAME,
    builtin_taxonomy_id,
    builtin_term_id,
    ensure_builtin_taxonomy,
    map_category,
)


def term_names(session, ids):
    names = dict(session.execute(select(TaxonomyTerm.id, TaxonomyTerm.name)).all())
    return [names[i] for i in ids]


def children(session, code):
    query = select(TaxonomyTerm.name).where(TaxonomyTerm.parent_id == builtin_term_id(code))
    return set(session.scalars(query))


def test_the_built_in_taxonomy_is_created_once_with_stable_ids(session):
    assert ensure_builtin_taxonomy(session) > 0
    assert ensure_builtin_taxonomy(session) == 0
    taxonomy = session.get(Taxonomy, builtin_taxonomy_id())
    assert taxonomy.name == TAXONOMY_NAME
    term = session.get(TaxonomyTerm, builtin_term_id("need:loneliness"))
    assert (term.code, term.name, term.taxonomy_id) == (
        "need:loneliness",
        "Loneliness and isolation",
        taxonomy.id,
    )
    assert term.id == "26f6fac6-e23a-5094-9a2d-f974d459b17b"  # the same in every database, forever
    assert term.description


def test_the_five_ways_activity_types_and_needs(session):
    ensure_builtin_taxonomy(session)
    assert children(session, "five-ways") == {
        "Give",
        "Connect",
        "Keep learning",
        "Be active",
        "Take notice",
    }
    assert children(session, "activity") == {
        "Connected",
        "Creative",
        "Supported",
        "Active",
        "Learning",
    }
    assert {"Walking groups", "Gardening and green activity", "Tai chi"} == children(
        session, "activity:active"
    )
    needs = children(session, "need")
    assert {"Loneliness and isolation", "Debt", "Carers", "Falls prevention"} <= needs
    assert len(needs) == 14
    count = session.scalar(
        select(func.count()).where(TaxonomyTerm.taxonomy_id == builtin_taxonomy_id())
    )
    assert count == 3 + 5 + 5 + 16 + 14


def test_db_upgrade_creates_the_built_in_taxonomy(runner, session):
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert session.get(Taxonomy, builtin_taxonomy_id()) is not None


@pytest.mark.parametrize(
    "category, expected",
    [
        ("Befriending & social contact", ["Befriending", "Loneliness and isolation"]),
        ("Money advice", ["Debt"]),
        ("Exercise", ["Be active", "Active"]),
        ("Walks", ["Walking groups"]),
        ("Community gardens", ["Gardening and green activity"]),
        ("Befreinding", ["Befriending"]),  # a typo
        ("Men's Sheds", ["Men's sheds"]),
        ("Carers support", ["Carers"]),
        ("Dementia Café", ["Dementia cafés"]),
        ("Welfare rights and benefits", ["Benefits"]),
        ("Parking permits", []),
        ("", []),
    ],
)
def test_map_category(session, category, expected):
    found = term_names(session, map_category(session, category))
    assert found[: len(expected)] == expected
    if not expected:
        assert found == []
