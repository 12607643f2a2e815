"""The days of the week, once: HSDS's RFC 5545 codes and the names people type and read.

>>> DAY_NAMES["TU"], CODE_OF_NAME["tuesday"]
('Tuesday', 'TU')
"""

from __future__ import annotations

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545 weekday codes, as HSDS schedules hold them (`byday`, `wkst`), Monday first."""

DAY_NAMES = dict(
    zip(
        DAY_CODES,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
"""Code -> the name a page shows."""

WEEKDAY_NAMES = tuple(name.lower() for name in DAY_NAMES.values())
"""The lower-case names query parameters and forms take ("monday", ...)."""

CODE_OF_NAME = dict(zip(WEEKDAY_NAMES, DAY_CODES, strict=True))
"""Lower-case name -> code."""
