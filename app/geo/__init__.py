"""Reference geography: postcode lookup and loading, named areas (boroughs) and the
borough of every location."""

from app.reference import LONDON_BOROUGHS

from .areas import (
    AreaFileError,
    assign_boroughs,
    count_services_by_borough,
    load_areas,
)
from .postcodes import UnknownPostcode, load_postcodes, locate_postcode

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
