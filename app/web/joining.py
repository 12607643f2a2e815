"""How to join a service, in one plain line, from whatever the sources said about it.

Sources say it in many ways: an application process ("Self-refer by phone"), a "Referral
route" field ("Self-referral; GP and link worker referrals welcome"), ORUK's
`attending_access` ("drop-in"), an eligibility note ("by voucher only"). A link worker
needs the same four facts from all of them: can the person refer themselves, who else
can refer, is a voucher needed, must they book. `how_to_join` reads those facts and says
them the same way on the results, the service page and the prescription:

    how_to_join(application_process="Self-referral; GP and link worker referrals welcome")
    -> "Self-referral, or referral by a GP or a link worker"
    how_to_join(referral="Voucher from an agency (GP, social worker, advice centre)")
    -> "Voucher needed, from a GP, a social worker or an advice centre"

Text that names none of the facts is shown as the source wrote it; no text at all is
"Contact them to ask".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.models import Service

UNKNOWN = "Contact them to ask"
SELF = ("self-refer", "self refer", "refer yourself", "self referral", "self-referral")
DROP_IN = ("drop-in", "drop in", "just turn up", "just come along", "walk-in", "no need to book")
VOUCHER = ("voucher",)
BOOKING = ("book", "booking", "appointment", "appointments")
# Who else can refer, as a link worker would say it, in the order it is said.
REFERRERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a GP", ("gp", "gps", "doctor", "primary care", "health professional")),
    ("a link worker", ("link worker", "link-worker", "social prescriber", "care navigator")),
    ("a social worker", ("social worker", "social services")),
    ("an advice centre", ("advice centre", "advice agency", "citizens advice")),
    ("family", ("family", "relative")),
)
FIELD_NAMES = ("referral route", "attending_access", "referral")  # attributes read, by term name


def _has(text: str, phrases: Iterable[str]) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", text) for phrase in phrases)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def how_to_join(
    application_process: str | None = None,
    referral: str | None = None,
    eligibility: str | None = None,
    access: str | None = None,
) -> str:
    """One line: how someone starts going (see the module's examples)."""
    texts = [t.strip() for t in (application_process, referral, access) if t and t.strip()]
    # Who refers is read from the referral texts only: an eligibility note's "carers" or
    # "families" says who it is for, not who refers.
    routes = " ".join(texts).lower().replace("’", "'")
    said = f"{routes} {(eligibility or '').lower()}"
    referrers = [name for name, phrases in REFERRERS if _has(routes, phrases)]
    parts: list[str] = []
    if _has(said, VOUCHER):
        parts.append("Voucher needed" + (f", from {_listed(referrers)}" if referrers else ""))
    else:
        self_referral = _has(said, SELF)
        drop_in = _has(said, DROP_IN)
        if self_referral or drop_in:
            parts.append("Self-referral" + (": just turn up" if drop_in else ""))
        if referrers:
            by = f"referral by {_listed(referrers)}"
            parts.append(f"or {by}" if parts else by[0].upper() + by[1:])
    if _has(said, BOOKING) and not _has(said, ("no need to book",)):
        parts.append("book first" if parts else "Book first")
    if parts:
        line = parts[0]
        for part in parts[1:]:
            line += ", " + part if part.startswith("or ") else "; " + part
        return line
    return " ".join(" ".join(texts).split()) or UNKNOWN


def service_how_to_join(service: Service) -> str:
    """`how_to_join` from a loaded service's own fields and its source fields (attributes
    whose term is "Referral route" or ORUK's "attending_access")."""
    fields: dict[str, list[str]] = {}
    for attribute in service.attributes:
        term = attribute.taxonomy_term
        name = (term.name if term is not None else "").strip().lower()
        if name in FIELD_NAMES and attribute.value and attribute.value.strip():
            fields.setdefault(name, []).append(attribute.value.strip())
    return how_to_join(
        application_process=service.application_process,
        referral="; ".join(fields.get("referral route", []) + fields.get("referral", [])) or None,
        eligibility=service.eligibility_description,
        access="; ".join(fields.get("attending_access", [])) or None,
    )
