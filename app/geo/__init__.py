"""Reference geography: postcode lookup and loading, named areas (boroughs) and the
borough of every location."""

from app.geo.areas import (
    AreaFileError,
    assign_boroughs,
    count_services_by_borough,
    load_areas,
)
from app.geo.postcodes import UnknownPostcode, load_postcodes, locate_postcode
from app.reference import LONDON_BOROUGHS

__all__ = [
    "LONDON_BOROUGHS",
    "AreaFileError",
    "UnknownPostcode",
    "assign_boroughs",
    "count_services_by_borough",
    "load_areas",
    "load_postcodes",
    "locate_postcode",
]
