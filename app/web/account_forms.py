"""The "edit service" form: what it shows, how it is checked, the changes it makes.

One form edits a service's own fields plus its first phone number and its first
schedule (days, how often, times and a line of text: app.web.schedule_form); each
becomes an ordinary change (app.services.editing), so the same permission, moderation
and history rules apply as through the API. Browsers post textareas with CRLF line
ends: they are read as LF, so saving an unchanged form changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Phone, Schedule, Service, ServiceAtLocation, new_id
from app.services.editing import Change
from app.web.schedule_form import Recurrence, from_form, problems, replacing, shown
from schemas.write import PhoneWriteSchema, ServiceWriteSchema


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str = "text"  # text, textarea, email, url, tel
    hint: str | None = None
    autocomplete: str | None = None


SERVICE_FIELDS = (
    FormField("name", "Name of the service", autocomplete="off"),
    FormField(
        "description",
        "What happens there",
        "textarea",
        "Who it is for, what to expect, how to join.",
    ),
    FormField("url", "Web page", "url", "Starting https://", "url"),
    FormField("email", "Email address", "email", None, "email"),
    FormField("phone", "Phone number", "tel", None, "tel"),
    FormField("fees_description", "Cost", "text", "For example: Free, or £3 a session."),
    FormField(
        "eligibility_description",
        "Who can come",
        "textarea",
        "For example: Adults 18+, carers, anyone in Hackney.",
    ),
    FormField(
        "schedule",
        "Anything else about when it runs",
        "textarea",
        "For example: Not in August. Booking needed for the first session.",
    ),
)
SCHEDULE_FIELDS = (
    FormField("schedule_days", "Days"),
    FormField("schedule_frequency", "How often"),
    FormField("schedule_opens", "Starts", "time"),
    FormField("schedule_closes", "Finishes", "time"),
)
"""The structured "When it runs" inputs (the template draws them; listed for the error summary)."""
OWN_FIELDS = ("name", "description", "url", "email", "fees_description", "eligibility_description")
# Capacity (app/search/capacity.py): shown as a fieldset of their own (_capacity_fields.html).
CAPACITY_FORM_FIELDS = ("capacity_status", "capacity_wait_weeks", "capacity_until")
CAPACITY_FIELDS = (
    FormField("capacity_status", "Are you taking new people?"),
    FormField("capacity_wait_weeks", "About how many weeks' wait?"),
    FormField("capacity_until", "Paused until"),
)
CAPACITY_CHOICES = (
    ("", "Not saying"),
    ("taking", "Taking new people"),
    ("waiting_list", "Waiting list"),
    ("full", "Full"),
    ("paused", "Paused"),
)


@dataclass
class ServiceForm:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    phone: Phone | None = None
    schedule: Schedule | None = None
    recurrence: Recurrence = field(default_factory=Recurrence)
    shown: Recurrence = field(default_factory=Recurrence)
    unshown: bool = False  # the schedule holds a recurrence the form cannot show


def first_phone(service: Service) -> Phone | None:
    return min(service.phones, key=lambda p: p.id) if service.phones else None


def first_schedule(session: Session, service: Service) -> Schedule | None:
    """The service's own schedule, else the first schedule at one of its venues."""
    query = select(Schedule).where(
        (Schedule.service_id == service.id)
        | Schedule.service_at_location_id.in_(
            select(ServiceAtLocation.id).where(ServiceAtLocation.service_id == service.id)
        )
    )
    schedules = sorted(session.scalars(query), key=lambda s: (s.service_id is None, s.id))
    return schedules[0] if schedules else None


def form_for(session: Session, service: Service) -> ServiceForm:
    phone, schedule = first_phone(service), first_schedule(session, service)
    values = {name: getattr(service, name) or "" for name in OWN_FIELDS}
    values["phone"] = phone.number if phone else ""
    values["schedule"] = (schedule.description or "") if schedule else ""
    for name in CAPACITY_FORM_FIELDS:
        value = getattr(service, name)
        values[name] = "" if value is None else str(value)
    values["capacity_stated"] = service.capacity_stated or ""
    values["capacity_confirm"] = ""
    recurrence, unshown = shown(schedule)
    return ServiceForm(
        values,
        phone=phone,
        schedule=schedule,
        recurrence=recurrence,
        shown=recurrence,
        unshown=unshown,
    )


def read_form(session: Session, service: Service, posted: Any) -> ServiceForm:
    form = form_for(session, service)
    stated = form.values["capacity_stated"]
    names = [f.name for f in SERVICE_FIELDS] + [*CAPACITY_FORM_FIELDS, "capacity_confirm"]
    form.values = {name: _text(posted.get(name)) for name in names}
    form.values["capacity_stated"] = stated
    form.recurrence = from_form(posted) or form.shown
    return form


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def capacity_values(form: ServiceForm, service: Service) -> dict[str, str | None]:
    """The capacity the form sets, when it changes it or the editor confirms it is still
    true (then it counts as said today); {} otherwise, so saving other fields does not
    make an old statement look new."""
    posted = {name: form.values[name] or None for name in CAPACITY_FORM_FIELDS}
    if posted["capacity_status"] != "waiting_list":
        posted["capacity_wait_weeks"] = None
    if posted["capacity_status"] != "paused":
        posted["capacity_until"] = None
    current = {
        name: None if getattr(service, name) is None else str(getattr(service, name))
        for name in CAPACITY_FORM_FIELDS
    }
    if posted == current and not form.values["capacity_confirm"]:
        return {}
    return {**posted, "capacity_stated": None}


def changes_from(form: ServiceForm, service: Service) -> list[Change]:
    """The changes the posted form asks for; fills `form.errors` when it is not valid."""
    own = {name: form.values[name] for name in OWN_FIELDS} | capacity_values(form, service)
    service_values = _load(form, ServiceWriteSchema(partial=True), own, {})
    phone_values = (
        _load(
            form,
            PhoneWriteSchema(partial=True),
            {"number": form.values["phone"]},
            {"number": "phone"},
        )
        if form.values["phone"]
        else {}
    )
    form.errors.update(problems(form.recurrence))
    if form.errors:
        return []
    changes = [Change("service", "update", service.id, service_values)]
    number = phone_values.get("number")
    if form.phone is not None and not number:
        changes.append(Change("phone", "delete", form.phone.id))
    elif form.phone is not None:
        changes.append(Change("phone", "update", form.phone.id, {"number": number}))
    elif number:
        changes.append(
            Change("phone", "create", new_id(), {"number": number, "service_id": service.id})
        )
    schedule = {"description": form.values["schedule"] or None}
    if form.recurrence != form.shown:
        schedule.update(replacing(form.schedule, form.recurrence))
    if form.schedule is not None:
        changes.append(Change("schedule", "update", form.schedule.id, schedule))
    elif any(value is not None for value in schedule.values()):
        values = {k: v for k, v in schedule.items() if v is not None}
        changes.append(Change("schedule", "create", new_id(), {**values, "service_id": service.id}))
    return changes


def _load(form: ServiceForm, schema, data: dict, names: dict[str, str]) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as exc:
        for name, problems in exc.messages_dict.items():
            form.errors[names.get(name, name)] = _sentence(names.get(name, name), problems)
        return {}


MESSAGES = {
    "name": "Enter the name of the service.",
    "url": "Enter a web address starting https://, or leave it empty.",
    "email": "Enter an email address like name@example.org, or leave it empty.",
    "phone": "Enter a phone number.",
    "capacity_status": "Choose whether they are taking new people.",
    "capacity_wait_weeks": "Enter the wait in whole weeks, like 6, or leave it empty.",
    "capacity_until": "Enter the date the pause ends, like 2027-03-01, or leave it empty.",
}


def _sentence(name: str, problems: list[str]) -> str:
    return MESSAGES.get(name) or str(problems[0])
