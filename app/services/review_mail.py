"""The review reminder email (kind "review"), rendered when it is sent.

The one-use token is made here, in the sending transaction, so it exists only in the
sent mail and as a hash. Links go straight to Signpost's own pages: no tracking
parameters, no redirector, no images.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from sqlalchemy.orm import Session

from app.mail.queue import Rendered, renderer
from app.models import Organization, Service
from app.models.mail import MailMessage
from app.models.review import ReviewState
from app.services.freshness import REVIEW_MAIL, STAGE_NAMES, last_seen, new_link

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
SUBJECTS = {
    1: "Is “{name}” still running? Please check its listing",
    2: "Reminder: is “{name}” still running?",
    3: "Urgent: “{name}” will be checked by a moderator unless you confirm it",
}
INTROS = {
    1: "Signpost lists “{name}”{org} so that link workers can refer people to it. Nobody has "
    "confirmed or changed the listing since {seen}. Is it still right?",
    2: "We wrote two weeks ago: nobody has confirmed or changed the listing of “{name}”{org} "
    "since {seen}. Link workers rely on it being right.",
    3: "This is the last reminder: nobody has confirmed or changed the listing of “{name}”{org} "
    "since {seen}. It is now flagged for a moderator, who may withdraw it.",
}
BUTTONS = [
    ("confirm", "Still running, details correct"),
    ("changed", "Something changed (edit the listing)"),
    ("closed", "It has closed"),
]


@renderer(REVIEW_MAIL)
def render_review(session: Session, message: MailMessage, now: dt.datetime) -> Rendered:
    payload = message.payload
    service = session.get(Service, payload["service_id"])
    if service is None:
        return Rendered(skip="listing deleted")
    state = session.get(ReviewState, service.id)
    if state is not None and last_seen(service) > state.reminded_at:
        return Rendered(skip="confirmed or changed since it was queued")
    stage = int(payload["stage"])
    token = new_link(
        session, service.id, payload.get("account_id"), message.to_address or "", stage, now
    )
    base = (payload.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    links = {action: f"{base}/review/{token}/{action}" for action, _label in BUTTONS}
    unsubscribe = f"{base}/review/{token}/unsubscribe"
    organization = session.get(Organization, service.organization_id or "")
    org = f" ({organization.name})" if organization and organization.name else ""
    seen = f"{last_seen(service):%d %B %Y}"
    subject = SUBJECTS[stage].format(name=service.name)
    intro = INTROS[stage].format(name=service.name, org=org, seen=seen)
    text_lines = [intro, "", "Choose one (each link works once, no sign-in needed):", ""]
    for action, label in BUTTONS:
        text_lines += [f"{label}:", links[action], ""]
    text_lines += [
        "The links expire in six weeks.",
        "",
        f"You get this because you keep {org.strip(' ()') or 'this listing'} on Signpost. "
        f"To get no more reminders: {unsubscribe}",
    ]
    items = "".join(
        f'<p><a href="{escape(links[a])}">{escape(label)}</a></p>' for a, label in BUTTONS
    )
    html = (
        "<!doctype html><html><body>"
        f"<p>{escape(intro)}</p><p>Choose one (each link works once, no sign-in needed):</p>"
        f"{items}<p>The links expire in six weeks.</p>"
        f'<p><small>To get no more reminders: <a href="{escape(unsubscribe)}">unsubscribe</a>'
        "</small></p></body></html>"
    )
    headers = {"X-Signpost-Reminder": STAGE_NAMES[stage]}
    if stage == 3:
        headers["Importance"] = "high"
    return Rendered(subject, "\n".join(text_lines) + "\n", html, unsubscribe, headers=headers)
