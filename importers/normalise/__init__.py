"""Shared normalisers of the import pipeline: pure functions from source text to HSDS values.

One module per concern; none touches the database or Flask, none raises on bad text.
"""

from importers.normalise.ages import parse_age_range
from importers.normalise.boroughs import borough_gss_code, match_borough, split_areas
from importers.normalise.costs import is_free, parse_cost
from importers.normalise.emails import normalise_email
from importers.normalise.opening_times import parse_opening_times
from importers.normalise.phones import normalise_phone, split_phones
from importers.normalise.postcodes import (
    find_postcode,
    normalise_postcode,
    outward_code,
    postcode_district,
)
from importers.normalise.text import clean_text, strip_html
from importers.normalise.urls import normalise_url, url_host

__all__ = [
    "borough_gss_code",
    "clean_text",
    "find_postcode",
    "is_free",
    "match_borough",
    "normalise_email",
    "normalise_phone",
    "normalise_postcode",
    "normalise_url",
    "outward_code",
    "parse_age_range",
    "parse_cost",
    "parse_opening_times",
    "postcode_district",
    "split_areas",
    "split_phones",
    "strip_html",
    "url_host",
]
