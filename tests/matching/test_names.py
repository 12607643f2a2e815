"""Names as the matcher compares them."""

from __future__ import annotations

import pytest

from app.matching.names import (
    activity_core,
    activity_name,
    distinctive_words,
    name_boroughs,
    normalise_name,
    one_sided_extra,
    words_conflict,
)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("St. Mary's Comm. Assoc Ltd", "st marys community association"),
        ("Saint Marys Community Association", "st marys community association"),
        ("ST MARYS COMMUNITY ASSOCIATION (Registered Charity)", "st marys community association"),
        ("Knit & Natter", "knit and natter"),
        ("Knit + Natter", "knit and natter"),
        ("The Baxter Foundation CIC", "baxter foundation"),
        ("Bright Futures Trust", "bright futures"),
        ("Islington Carers Center", "islington carers centre"),
        ("Café Crème", "cafe creme"),
        ("Camden CAB", "camden citizens advice"),
        ("", ""),
        (None, ""),
    ],
)
def test_one_spelling_per_name(written, normalised):
    assert normalise_name(written) == normalised


@pytest.mark.parametrize(
    ("name", "boroughs"),
    [
        ("age uk camden", {"Camden"}),
        ("mind in tower hamlets", {"Tower Hamlets"}),
        ("kensington and chelsea foodbank", {"Kensington and Chelsea"}),
        ("hammersmith mens shed", {"Hammersmith and Fulham"}),
        ("camden and islington carers", {"Camden", "Islington"}),
        ("friends of highbury fields", set()),
    ],
)
def test_borough_names_are_found_in_names(name, boroughs):
    assert name_boroughs(name) == boroughs


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("friends of highbury fields", {"highbury"}),
        ("st marys community hub", {"marys"}),
        ("age uk camden", {"age"}),
        ("community centre suppport group", set()),  # a mistyped generic word is generic
        ("acton community centre", {"acton"}),  # a place, not a slip for "action"
    ],
)
def test_distinctive_words_say_which_group_not_what_kind(name, words):
    assert distinctive_words(name) == words


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        ("friends of highbury fields", "friends of clissold park", True),
        ("st marys community hub", "st johns community hub", True),
        ("friends of highbury fields", "friends of higbury fields", False),  # a typo
        ("bright futures", "bright futures youth project", False),  # one side longer
        ("camden carers centre", "carers centre camden", False),
    ],
)
def test_distinctive_words_conflict_only_when_both_sides_have_their_own(first, second, conflict):
    words = distinctive_words(first), distinctive_words(second)
    assert words_conflict(*words) is conflict


def test_one_sided_extra_word_marks_a_different_group():
    brentford = distinctive_words("brentford womens group")
    ghanaian = distinctive_words("ghanaian womens group brentford")

    assert one_sided_extra(brentford, ghanaian)
    assert not one_sided_extra(brentford, brentford)


@pytest.mark.parametrize(
    ("service", "organization", "activity"),
    [
        ("age uk camden walking group", "age uk camden", "walking group"),
        ("walking group at highbury fields", "friends of highbury fields", "walking group"),
        ("age uk camden", "age uk camden", "age uk camden"),  # nothing else to go on
        ("coffee morning", "", "coffee morning"),
    ],
)
def test_the_activity_leaves_out_organisation_and_place(service, organization, activity):
    assert activity_name(service, organization) == activity


def test_activity_core_leaves_out_form_words():
    assert activity_core("bereavement support group") == activity_core("bereavement group")
    assert activity_core("walking group") != activity_core("walking football")
