"""Costs: fee text into HSDS 3.0 cost_option objects, keeping the text itself.

Sources write "Free", "£3 per session", "£5/£3 concessions" or "Donations welcome"; HSDS
wants one cost_option per price. Rules, documented once:
- The text is split into parts at "/", ";", ",", " or " and line breaks; each part that
  names a price, "free" or a donation gives one option. Parts that name none ("booking
  essential") add nothing, but every option's amount_description is the whole text.
- `option` is "free" (amount 0.0), "donation" (amount only when one is suggested), or,
  for a price, the words written with it ("concessions", "per session"), left out when
  there are none. Currency is always "GBP"; text in another currency is not understood.
- Nothing understood gives ``[{"amount_description": text}]``; blank text gives [].
- Text over MAX_LENGTH characters is not read (no fee text is that long, and the price
  pattern slows down with the square of the length): it is kept as text.
"""

from __future__ import annotations

import re
from typing import Any

_SPLIT_RE = re.compile(r"\s*(?:[/;\n\r]|,(?![0-9]{3})|\s+or\s+)\s*", re.IGNORECASE)
_AMOUNT_RE = re.compile(
    r"£\s*(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<pence>[0-9]{1,2}))?"
    r"|(?P<bare>[0-9]+(?:\.[0-9]{1,2})?)\s*(?:pounds?|gbp|quid)\b"
    r"|(?P<coins>[0-9]{1,2})\s*p\b",
    re.IGNORECASE,
)
_FREE_RE = re.compile(r"\bfree\b|\bno\s+(?:charge|cost|fee)s?\b|\bnil\b", re.IGNORECASE)
_DONATION_RE = re.compile(
    r"\bdonations?\b|\bpay\s+(?:what|as)\s+(?:you|u)\s+(?:can|feel|wish|like)\b", re.IGNORECASE
)
_FOREIGN_RE = re.compile(r"[$€¥]|\b(?:usd|eur|euros?|dollars?)\b", re.IGNORECASE)
_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")
MAX_LENGTH = 1_000


def _amount(match: re.Match[str]) -> float:
    """The amount in pounds of one money expression ("£2.50", "3 pounds", "50p")."""
    if match.group("coins"):
        return int(match.group("coins")) / 100
    if match.group("bare"):
        return float(match.group("bare"))
    pence = (match.group("pence") or "0").ljust(2, "0")
    return int(match.group("pounds").replace(",", "")) + int(pence) / 100


def _qualifier(part: str) -> str | None:
    """The words of a part with its prices removed: "£3 concessions" -> "concessions"."""
    words = " ".join(_AMOUNT_RE.sub(" ", part).split())
    return _EDGE_RE.sub("", words) or None


def _part_options(part: str) -> list[dict[str, Any]]:
    """Cost options named by one part of the text (see the module rules)."""
    amounts = [_amount(match) for match in _AMOUNT_RE.finditer(part)]
    if _DONATION_RE.search(part):
        option: dict[str, Any] = {"option": "donation"}
        if amounts and amounts[0] > 0:
            option["amount"] = amounts[0]
        return [option]
    if any(amount > 0 for amount in amounts):
        qualifier = _qualifier(part)
        label = {"option": qualifier} if qualifier else {}
        return [{**label, "amount": amount} for amount in amounts if amount > 0]
    if amounts or _FREE_RE.search(part):
        return [{"option": "free", "amount": 0.0}]
    return []


def parse_cost(text: str | None) -> list[dict[str, Any]]:
    """Turn fee text into HSDS cost_option dicts; never raises, never drops the text."""
    if not isinstance(text, str) or not text.strip():
        return []
    if len(text) > MAX_LENGTH or _FOREIGN_RE.search(text):
        return [{"amount_description": text}]
    options = []
    for part in _SPLIT_RE.split(text.strip()):
        for option in _part_options(part):
            options.append({**option, "currency": "GBP", "amount_description": text})
    return options or [{"amount_description": text}]


def is_free(cost_options: list[dict[str, Any]]) -> bool:
    """True when the options say free and name no fixed price (donations are voluntary).

    "Free, donations welcome" is free; "Donations welcome" alone is not said to be free,
    and "Free for under 18s, £5 adults" is not free.
    """
    has_free = any(option.get("option") == "free" for option in cost_options)
    priced = any(
        (option.get("amount") or 0) > 0 and option.get("option") != "donation"
        for option in cost_options
    )
    return has_free and not priced
