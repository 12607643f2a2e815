"""Retention: referrals older than the retention period (default 12 months,
SIGNPOST_REFERRAL_RETENTION_MONTHS) are folded into `referral_tally` counts and deleted
(`signpost referrals prune`, monthly; deploy/). Uptake is unchanged by a prune; what is
lost is only the codes (and their change history), so a code older than that no longer
shows its status.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.chunks import IN_LIST, chunks
from app.models import MetadataEntry, new_id
from app.models.referrals import Referral, ReferralTally
from app.referrals.uptake import ACROSS, boroughs_of, days_between
from app.services.freshness import months_before

RETENTION_MONTHS = 12
BULK = 1000


def prune_referrals(session: Session, now: dt.datetime, months: int = RETENTION_MONTHS) -> int:
    """Fold every referral made before `months` ago into tallies and delete it; returns
    how many were pruned. Runs in the caller's transaction, so it is all or nothing."""
    cutoff = months_before(now, months)
    old = session.execute(
        select(Referral.code, Referral.service_id, Referral.needs, Referral.status,
               Referral.reason, Referral.created_at, Referral.contacted_at)
        .where(Referral.created_at < cutoff)
    ).all()  # fmt: skip
    if not old:
        return 0
    boroughs = boroughs_of(session, [r.service_id for r in old])
    tally: Counter[tuple] = Counter()
    for referral in old:
        borough = boroughs.get(referral.service_id, ACROSS)
        days = days_between(referral.created_at, referral.contacted_at)
        for need in referral.needs or [None]:
            key = (f"{referral.created_at:%Y-%m}", referral.service_id, borough, need,
                   referral.status, referral.reason, days)  # fmt: skip
            tally[key] += 1
    rows = [
        {"id": new_id(), "month": month, "service_id": service_id, "borough": borough,
         "need": need, "status": status, "reason": reason, "contact_days": days, "count": n}
        for (month, service_id, borough, need, status, reason, days), n in tally.items()
    ]  # fmt: skip
    for chunk in chunks(rows, BULK):
        session.execute(insert(ReferralTally), chunk)
    codes = [r.code for r in old]
    for chunk in chunks(codes, IN_LIST):
        gone = delete(Referral).where(Referral.code.in_(chunk))
        session.execute(gone, execution_options={"synchronize_session": False})
        history = (MetadataEntry.resource_type == "referral") & MetadataEntry.resource_id.in_(chunk)
        session.execute(delete(MetadataEntry).where(history),
                        execution_options={"synchronize_session": False})  # fmt: skip
    session.expire_all()  # rows loaded before are gone
    return len(codes)
