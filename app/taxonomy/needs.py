"""What each need in the "What would help?" menu means: the one place its rules live.

A source rarely says "loneliness": it files a befriending service under "Social
connection" and writes that it is "for older people who feel lonely or isolated". So a
need is served by a service when either

- the service carries one of the need's built-in terms (its own, one below it, or one of
  `terms`): a source category the importer mapped onto them ("Befriending" ->
  activity:befriending -> loneliness), or
- the service's own text (name, alternate name, description, eligibility) holds one of
  the need's `phrases`, as whole words with plurals folded ("lonely", "isolated",
  "befriending"); when `context` is given, one of those words must be there
  too ("benefits" counts only beside "advice", not in "the benefits of walking").

`tag_needs` writes the need's built-in term onto each service that serves it (and takes
it off one that no longer does) when the search documents are built, so the API's
`taxonomy_term=loneliness`, the page's need filter and /boroughs all find the same
services. Text is matched exactly, never fuzzily: "carers" is not "careers".
`everyday` are the words people type, offered by the type-ahead ("money worries" -> Debt).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import Attribute, TaxonomyTerm, stable_id
from app.taxonomy.builtin import all_terms
from app.taxonomy.load import builtin_term_id
from app.taxonomy.mapping import category_terms, tokens


@dataclass(frozen=True)
class NeedRule:
    code: str  # the built-in term the need is ("need:loneliness")
    label: str  # the menu's everyday wording ("Feeling lonely")
    terms: tuple[str, ...] = ()  # other built-in terms whose services serve the need
    phrases: tuple[str, ...] = ()  # words in a service's own text that mean it does
    context: tuple[str, ...] = ()  # if given, one of these words must be in the text too
    everyday: tuple[str, ...] = ()  # what people type, for the type-ahead
    in_menu: bool = True  # False: an activity type, found by the API's taxonomy_term only


NEED_RULES: tuple[NeedRule, ...] = (
    NeedRule(
        "need:loneliness",
        "Feeling lonely",
        terms=("activity:befriending",),
        phrases=("lonely", "loneliness", "isolated", "isolation", "befriending", "befriender"),
        everyday=("lonely", "feeling lonely", "isolated", "no one to talk to"),
    ),
    NeedRule(
        "need:debt",
        "Money worries and debt",
        phrases=("debt", "debts", "money advice", "budgeting", "money worries"),
        everyday=("money worries", "money problems", "bills"),
    ),
    NeedRule(
        "need:benefits",
        "Help with benefits",
        phrases=("benefits", "benefit", "universal credit", "pension credit", "welfare rights"),
        context=("advice", "adviser", "claim", "claiming", "check", "help", "rights", "credit"),
        everyday=("benefits", "universal credit", "pip"),
    ),
    NeedRule(
        "activity:active",
        "Getting active",
        terms=("five-ways:be-active",),
        phrases=("exercise", "keep fit", "fitness", "yoga", "tai chi", "walk", "walking"),
        everyday=("exercise", "keep fit", "getting active"),
    ),
    NeedRule(
        "need:carers",
        "Caring for someone",
        phrases=("carer", "carers", "unpaid carer", "young carer"),
        everyday=("carer", "caring for someone", "looking after someone"),
    ),
    NeedRule(
        "need:mental-wellbeing",
        "Feeling low, anxious or stressed",
        terms=("activity:peer-support",),
        phrases=("mental health", "anxiety", "depression", "low mood", "stress", "wellbeing"),
        everyday=("feeling low", "anxious", "stressed", "depressed"),
    ),
    NeedRule(
        "activity:connected",
        "Meeting people",
        terms=("five-ways:connect",),
        phrases=(
            "meet other",
            "meet people",
            "make friends",
            "good company",
            "social group",
            "social club",
            "coffee morning",
            "conversation club",
            "lunch club",
        ),
        everyday=("meeting people", "making friends", "social"),
    ),
    NeedRule(
        "activity:creative",
        "Being creative",
        phrases=("art", "arts", "craft", "painting", "drawing", "singing", "choir", "knitting"),
        everyday=("creative", "art", "music"),
    ),
    NeedRule(
        "activity:learning",
        "Learning something new",
        terms=("five-ways:keep-learning",),
        phrases=("course", "courses", "classes", "learners", "learn", "esol"),
        everyday=("learning", "classes", "courses"),
    ),
    NeedRule(
        "activity:gardening",
        "Gardening and nature",
        phrases=("garden", "gardening", "allotment", "growing project", "green gym"),
        everyday=("gardening", "nature", "outdoors"),
    ),
    NeedRule(
        "activity:volunteering",
        "Volunteering and giving back",
        terms=("activity:time-banks", "five-ways:give"),
        phrases=(
            "volunteering",
            "become a volunteer",
            "volunteer with us",
            "volunteers wanted",
            "volunteers needed",
            "time bank",
            "timebank",
        ),
        everyday=("volunteering", "giving back", "helping others"),
    ),
    NeedRule(
        "need:bereavement",
        "After a bereavement",
        phrases=("bereavement", "bereaved", "grief", "grieving", "lost someone"),
        everyday=("bereavement", "grief", "someone died"),
    ),
    NeedRule(
        "need:long-term-conditions",
        "Living with a long-term condition",
        phrases=(
            "long term condition",
            "long term health",
            "chronic",
            "diabetes",
            "arthritis",
            "stroke",
            "copd",
            "parkinsons",
            "limited mobility",
            "heart condition",
        ),
        everyday=("long-term condition", "chronic illness", "limited mobility"),
    ),
    NeedRule(
        "activity:dementia-cafes",
        "Memory problems and dementia",
        phrases=("dementia", "alzheimers", "memory cafe", "memory problems"),
        everyday=("memory problems", "dementia"),
    ),
    NeedRule(
        "need:housing",
        "Housing problems",
        phrases=("housing", "homeless", "homelessness", "tenancy", "eviction", "rent arrears"),
        everyday=("housing", "homeless", "eviction"),
    ),
    NeedRule(
        "need:employment",
        "Finding work",
        phrases=("employment", "job search", "jobs", "find work", "back to work", "careers"),
        everyday=("finding work", "jobs", "unemployed"),
    ),
)
# Activity types a link worker also filters by (the API's taxonomy_term), off the menu.
NEED_RULES += tuple(
    NeedRule(code, label, phrases=phrases, in_menu=False)
    for code, label, phrases in (
        ("activity:befriending", "Befriending", ("befriending", "befriender")),
        ("activity:walking-groups", "Walking groups", ("health walk", "led walk", "walking group")),
        ("activity:mens-sheds", "Men's sheds", ("mens shed",)),
        ("activity:knit-and-natter", "Knit and natter", ("knit", "knitting", "crochet")),
        ("activity:food-clubs", "Food clubs", ("lunch club", "community kitchen", "cook and eat")),
        ("activity:singing", "Singing", ("singing", "choir")),
        ("activity:arts", "Arts", ("art group", "drawing", "painting", "printmaking")),
        ("activity:tai-chi", "Tai chi", ("tai chi", "qigong")),
        ("activity:digital-skills", "Digital skills", ("digital skills", "tech help")),
        ("activity:peer-support", "Peer support", ("peer support",)),
    )
)
DERIVED = "signpost-needs"  # the namespace of the attributes tag_needs writes


def fold(word: str) -> str:
    """A plural's singular, crudely ("carers" -> "carer", "debts" -> "debt"); nothing else
    is folded, so "volunteering" (a way to give time) stays apart from "volunteers"."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in tokens(text))


@cache
def _compiled() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """(need term id, term ids that serve it, folded context words) for every rule."""
    return tuple(
        (
            builtin_term_id(rule.code),
            frozenset(builtin_term_id(code) for code in (rule.code, *rule.terms)),
            frozenset(_words(" ".join(rule.context))),
        )
        for rule in NEED_RULES
    )


@cache
def _phrases_by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First folded word -> (folded phrase, need term id): one pass over a text finds
    every phrase, however many rules there are."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for rule in NEED_RULES:
        for phrase in rule.phrases:
            words = _words(phrase)
            index.setdefault(words[0], []).append((words, builtin_term_id(rule.code)))
    return index


def _phrase_needs(words: tuple[str, ...]) -> set[str]:
    """The need term ids whose phrases occur in these folded words."""
    index = _phrases_by_first_word()
    found: set[str] = set()
    for i, word in enumerate(words):
        for phrase, need_id in index.get(word, ()):
            if need_id not in found and words[i : i + len(phrase)] == phrase:
                found.add(need_id)
    return found


@lru_cache(maxsize=4096)
def _mapped(category: str) -> tuple[str, ...]:
    return tuple(category_terms(category))


@cache
def _covered() -> dict[str, frozenset[str]]:
    """Need term id -> it and the built-in terms below it: a service carrying any of them
    is already found by the need (filters include descendants), so it is not linked."""
    below: dict[str, set[str]] = {}
    for term in all_terms():
        below.setdefault(builtin_term_id(term.code), set())
        code = term.parent
        while code is not None:
            below.setdefault(builtin_term_id(code), set()).add(builtin_term_id(term.code))
            code = next(t.parent for t in all_terms() if t.code == code)
    return {need_id: frozenset({need_id, *below.get(need_id, ())}) for need_id, *_ in _compiled()}


@cache
def _builtin_ids() -> frozenset[str]:
    return frozenset(builtin_term_id(t.code) for t in all_terms())


def need_term_ids(term_ids: Iterable[str], categories: Iterable[str], text: str) -> list[str]:
    """The need terms (ids) a service serves, from the terms it carries, the names of its
    source categories and its own text; in menu order.

    need_term_ids([], [], "A volunteer phones people who feel lonely")
    -> [the id of need:loneliness]
    """
    carried = set(term_ids)
    for category in categories:
        carried.update(_mapped(category))
    words = _words(text)
    wordset = set(words)
    said = _phrase_needs(words)
    return [
        need_id
        for need_id, serving, context in _compiled()
        if carried & serving or (need_id in said and (not context or wordset & context))
    ]


def derived_attribute_id(service_id: str, term_id: str) -> str:
    return stable_id("attribute", DERIVED, service_id, term_id)


def _links(
    session: Session, service_ids: list[str], need_ids: frozenset[str]
) -> tuple[dict[str, list[tuple[str, str]]], set[tuple[str, str]], dict[str, dict[str, str]]]:
    """The services' links: (term id, name) of each category they carry from a source,
    every (service, term) a source gave, and service -> need term -> the id of a link
    tag_needs made."""
    carried: dict[str, list[tuple[str, str]]] = {}
    direct: set[tuple[str, str]] = set()
    derived: dict[str, dict[str, str]] = {}
    for attribute_id, service_id, term_id, name, value in session.execute(
        select(Attribute.id, Attribute.link_id, TaxonomyTerm.id, TaxonomyTerm.name, Attribute.value)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Attribute.link_entity == "service", Attribute.link_id.in_(service_ids))
    ):
        if term_id in need_ids and attribute_id == derived_attribute_id(service_id, term_id):
            derived.setdefault(service_id, {})[term_id] = attribute_id
            continue
        direct.add((service_id, term_id))
        if not (value or "").strip():  # a source field ("Referral route") is no category
            carried.setdefault(service_id, []).append((term_id, name))
    return carried, direct, derived


def tag_needs(session: Session, texts: dict[str, str]) -> int:
    """Link each service (id -> its own text) to the need terms it serves, and unlink
    those it no longer serves; only links this function made are ever removed, and a
    need the service already carries from its source (or a term below it) is not linked
    again. Needs whose
    term is not in the database (no built-in taxonomy loaded) are left alone. Returns
    how many links were added."""
    if not texts:
        return 0
    need_ids = frozenset(need_id for need_id, *_ in _compiled())
    present = set(session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.id.in_(need_ids))))
    carried, direct, derived = _links(session, list(texts), need_ids)
    builtin = _builtin_ids()
    covered = _covered()
    given: dict[str, set[str]] = {}
    for service_id, term_id in direct:
        given.setdefault(service_id, set()).add(term_id)
    added = 0
    stale: list[str] = []
    for service_id, text in texts.items():
        pairs = carried.get(service_id, [])
        ids = [term_id for term_id, _ in pairs if term_id in builtin]
        categories = [name for term_id, name in pairs if term_id not in builtin]
        served = {
            need_id
            for need_id in need_term_ids(ids, categories, text)
            if need_id in present and not covered[need_id] & given.get(service_id, set())
        }
        made = derived.get(service_id, {})
        stale += [attribute_id for need_id, attribute_id in made.items() if need_id not in served]
        for need_id in served - made.keys():
            session.add(
                Attribute(
                    id=derived_attribute_id(service_id, need_id),
                    link_id=service_id,
                    link_entity="service",
                    taxonomy_term_id=need_id,
                )
            )
            added += 1
    if stale:
        session.execute(delete(Attribute).where(Attribute.id.in_(stale)))
    session.flush()
    return added


@cache
def everyday_words() -> dict[str, tuple[str, ...]]:
    """Need term id -> the menu label and everyday words the type-ahead offers it under."""
    return {builtin_term_id(rule.code): (rule.label, *rule.everyday) for rule in NEED_RULES}


def rule_for(code: str) -> NeedRule | None:
    return next((rule for rule in NEED_RULES if rule.code == code), None)


def menu() -> tuple[tuple[str, str], ...]:
    """(code, everyday label) of every need, in menu order."""
    return tuple((rule.code, rule.label) for rule in NEED_RULES if rule.in_menu)
