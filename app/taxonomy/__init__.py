"""The built-in social prescribing taxonomy: loading it, mapping source categories onto it,
and finding terms by code or name for the search filters."""

from app.taxonomy.builtin import TAXONOMY_NAME, BuiltinTerm, all_terms
from app.taxonomy.load import (
    builtin_taxonomy_id,
    builtin_term_id,
    ensure_builtin_taxonomy,
    term_keywords,
)
from app.taxonomy.mapping import link_builtin_equivalents, map_category
from app.taxonomy.terms import descendant_ids, find_term_ids

__all__ = [
    "TAXONOMY_NAME",
    "BuiltinTerm",
    "all_terms",
    "builtin_taxonomy_id",
    "builtin_term_id",
    "descendant_ids",
    "ensure_builtin_taxonomy",
    "find_term_ids",
    "link_builtin_equivalents",
    "map_category",
    "term_keywords",
]
