"""The "When it runs" part of the edit form: days, how often, and times, as HSDS
recurrence fields, so an approved edit changes what results, the service page and
`open_on` say (editing only the free-text description left "Monday to Friday, 9am to
5pm" standing, because the structured days and times win on every page).

The form shows a schedule as days + frequency + opening and closing times. A recurrence
it cannot show (a day of the month, week numbers, a count) is left alone unless the
editor changes the days or times, which then replace it.

>>> Recurrence(("TU",), "week", "10:30", "11:30").values()["byday"]
'TU'
>>> Recurrence(("TU",), "month1", "", "").values()["byday"]
'1TU'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.models import Schedule
from app.weekdays import DAY_CODES, DAY_NAMES

FREQUENCIES = {
    "week": "Every week",
    "fortnight": "Every other week",
    "month1": "First week of the month",
    "month2": "Second week of the month",
    "month3": "Third week of the month",
    "month4": "Fourth week of the month",
    "month-1": "Last week of the month",
}
DAY_CHOICES = tuple((code, DAY_NAMES[code]) for code in DAY_CODES)
RECURRENCE_FIELDS = ("byday", "freq", "interval", "opens_at", "closes_at")
UNSHOWN_FIELDS = ("bymonthday", "byweekno", "byyearday", "count", "until")
PART = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Recurrence:
    """What the form shows of a schedule: day codes, a FREQUENCIES key, "HH:MM" times."""

    days: tuple[str, ...] = ()
    frequency: str = "week"
    opens: str = ""
    closes: str = ""

    def values(self) -> dict[str, Any]:
        """The schedule fields this recurrence sets (all of them, None where empty)."""
        if not self.days:
            byday, freq, interval = None, None, None
        elif self.frequency.startswith("month"):
            ordinal = self.frequency.removeprefix("month")
            byday, freq, interval = ",".join(ordinal + day for day in self.days), "MONTHLY", None
        else:
            byday = ",".join(self.days)
            freq, interval = "WEEKLY", (2 if self.frequency == "fortnight" else None)
        return {
            "byday": byday,
            "freq": freq,
            "interval": interval,
            "opens_at": self.opens or None,
            "closes_at": self.closes or None,
        }


def shown(schedule: Schedule | None) -> tuple[Recurrence, bool]:
    """The schedule as the form shows it, and whether it holds more than the form can."""
    if schedule is None:
        return Recurrence(), False
    parts = [PART.match(p.strip().upper()) for p in (schedule.byday or "").split(",") if p.strip()]
    ordinals = {m.group(1) or "" for m in parts if m}
    readable = all(parts) and len(ordinals) <= 1
    days = tuple(code for code in DAY_CODES if any(m and m.group(2) == code for m in parts))
    ordinal = next(iter(ordinals), "") if readable else ""
    if ordinal.startswith("+"):
        ordinal = ordinal[1:]
    if ordinal and f"month{ordinal}" in FREQUENCIES:
        frequency = f"month{ordinal}"
    else:
        frequency = "fortnight" if (schedule.interval or 1) == 2 else "week"
    more = (
        not readable
        or (ordinal != "" and f"month{ordinal}" not in FREQUENCIES)
        or (schedule.interval or 1) > 2
        or any(getattr(schedule, name) for name in UNSHOWN_FIELDS)
    )
    recurrence = Recurrence(
        days if readable else (), frequency, _clock(schedule.opens_at), _clock(schedule.closes_at)
    )
    return recurrence, more


def from_form(form: Any) -> Recurrence | None:
    """The recurrence a submitted form asks for (not yet checked); None when the form
    did not show the schedule inputs (a client posting only some fields), so no ticked
    box can be read as "runs on no day"."""
    if not form.get("schedule_shown"):
        return None
    days = tuple(code for code in DAY_CODES if code in form.getlist("schedule_days"))
    frequency = form.get("schedule_frequency") or "week"
    return Recurrence(
        days,
        frequency,
        (form.get("schedule_opens") or "").strip(),
        (form.get("schedule_closes") or "").strip(),
    )


def problems(recurrence: Recurrence) -> dict[str, str]:
    """Messages for the fields that are wrong, keyed by field name."""
    errors = {}
    if recurrence.frequency not in FREQUENCIES:
        errors["schedule_frequency"] = "Choose how often it runs."
    for name, value in (
        ("schedule_opens", recurrence.opens),
        ("schedule_closes", recurrence.closes),
    ):
        if value and not CLOCK.match(value):
            errors[name] = "Enter a time like 10:30 or 14:00."
    if (
        not errors
        and recurrence.opens
        and recurrence.closes
        and recurrence.closes <= recurrence.opens
    ):
        errors["schedule_closes"] = "The finishing time must be after the start time."
    if recurrence.closes and not recurrence.opens and "schedule_closes" not in errors:
        errors["schedule_opens"] = "Enter the start time too."
    if (recurrence.opens or recurrence.closes) and not recurrence.days:
        errors["schedule_days"] = "Choose the days it runs, or leave the times empty."
    return errors


def replacing(schedule: Schedule | None, recurrence: Recurrence) -> dict[str, Any]:
    """The schedule fields to set so it runs as `recurrence`; a recurrence the form could
    not show is cleared with it, so the old days cannot outlive the new ones."""
    values = recurrence.values()
    if schedule is not None:
        values.update({name: None for name in UNSHOWN_FIELDS if getattr(schedule, name)})
        for name in ("opens_at", "closes_at"):  # "10:30:00" stored is "10:30" shown
            if _clock(getattr(schedule, name)) == values[name]:
                values[name] = getattr(schedule, name)
    return values


def _clock(value: str | None) -> str:
    return (value or "")[:5]
