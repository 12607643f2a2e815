"""Shared normalisers of the import pipeline: pure functions from source text to HSDS values.

One module per concern; none touches the database or Flask, none raises on bad text.
"""

from app.records.normalise.ages import parse_age_range
from app.records.normalise.boroughs import borough_gss_code, match_borough, split_areas
from app.records.normalise.costs import is_free, parse_cost
from app.records.normalise.emails import normalise_email
from app.records.normalise.opening_times import parse_opening_times
from app.records.normalise.phones import normalise_phone, split_phones
from app.records.normalise.postcodes import (
    find_postcode,
    normalise_postcode,
    outward_code,
    postcode_district,
)
from app.records.normalise.text import clean_text, strip_html
from app.records.normalise.urls import normalise_url, url_host

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
