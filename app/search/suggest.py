"""Type-ahead: completions of what a link worker has typed so far, from taxonomy term
names and service names, by indexed prefix range scans on `service_search_suggestion`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Service, TaxonomyTerm
from app.search.auxiliary import suggestion_table
from app.search.words import WORD, fold_key, prefix_upper_bound

CANDIDATES = 200  # rows read per kind; enough to rank the few shown


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "taxonomy_term" or "service"
    id: str


def suggestion_prefix(typed: str) -> str:
    """What the user typed, folded like the keys ("Men's  Sh" -> "mens sh")."""
    words = WORD.findall(fold_key(typed))
    prefix = " ".join(words)
    return prefix + " " if typed.rstrip() != typed and prefix else prefix


def _candidates(session: Session, prefix: str, kind: str, model: type) -> list[tuple]:
    """(key, id, name) of one kind whose key starts with the prefix, in key order: the
    first CANDIDATES keys from the index alone, then their (active) services or terms."""
    keys = suggestion_table.c
    first = (
        select(keys.key, keys.ref_id)
        .where(keys.kind == kind, keys.key >= prefix, keys.key < prefix_upper_bound(prefix))
        .order_by(keys.key, keys.ref_id)
        .limit(CANDIDATES)
        .subquery()
    )
    query = (
        select(first.c.key, model.id, model.name)
        .join(model, model.id == first.c.ref_id)
        .order_by(first.c.key, first.c.ref_id)
    )
    if model is Service:
        query = query.where(Service.status == "active")
    return list(session.execute(query))


def suggest(session: Session, typed: str, limit: int = 10) -> list[Suggestion]:
    """Up to `limit` completions: taxonomy terms first (they make the best filters), then
    services; within each, names that start with the text, then shorter names first.
    A name is suggested once, whatever the number of services that share it."""
    prefix = suggestion_prefix(typed)
    if not prefix.strip():
        return []
    ranked: list[tuple[tuple, Suggestion]] = []
    for order, (kind, model) in enumerate((("taxonomy_term", TaxonomyTerm), ("service", Service))):
        for key, ident, name in _candidates(session, prefix, kind, model):
            starts = key == " ".join(WORD.findall(fold_key(name)))[:200]
            rank = (order, not starts, len(name), name.lower(), ident)
            ranked.append((rank, Suggestion(name, kind, ident)))
    seen: set[str] = set()
    suggestions = []
    for _, suggestion in sorted(ranked, key=lambda pair: pair[0]):
        folded = fold_key(suggestion.text)
        if folded not in seen:
            seen.add(folded)
            suggestions.append(suggestion)
    return suggestions[:limit]
