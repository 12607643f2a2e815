"""The rows of each HSDS table that belong in a dump, as SQL (no Python-side id sets).

Only the tables named here ever reach a dump: the HSDS tables, plus `source_record`
(names, keys, ids and status; never the raw payload) and `source`. Any other table
(accounts, tokens, moderation notes) is left out because it is not on this list.

A row goes in when it hangs off at least one exported owner and none of its foreign keys
points at a row that is left out, so the package's foreign keys all resolve. Contacts
must be public, and the phones of private contacts stay out with them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, case, func, or_, select, true, union_all

from app.export.selection import exportable_service_ids
from app.models import Base

TABLES = Base.metadata.tables


def t(name: str) -> Table:
    return TABLES[name]


def owned(table: Table, owners: dict[str, Select]) -> ColumnElement[bool]:
    """Rows with at least one owner set, every owner set being exported."""
    columns = {name: table.c[name] for name in owners}
    return and_(
        or_(*[column.is_not(None) for column in columns.values()]),
        *[or_(columns[name].is_(None), columns[name].in_(ids)) for name, ids in owners.items()],
    )


def linked(table: Table, entity_column: str, id_column: str, ids: dict[str, Select]) -> Any:
    """Rows (attribute, metadata) naming an exported object by entity type and id.

    One indexed lookup per entity type, united, rather than an OR of them (which SQLite
    answers by scanning the table and evaluating every branch).
    """
    per_entity = [
        select(table.c.id).where(table.c[entity_column] == entity, table.c[id_column].in_(sub))
        for entity, sub in ids.items()
    ]
    return table.c.id.in_(union_all(*per_entity))


def kept_if(column: ColumnElement, exported: Select) -> ColumnElement:
    """A foreign key value, or empty when the row it names is not in the dump."""
    return case((column.in_(exported), column), else_=None)


class Selection:
    """The exported ids of each table, as subqueries built from the exportable services."""

    def __init__(self) -> None:
        service, sal, program = t("service"), t("service_at_location"), t("program")
        contact, phone, schedule = t("contact"), t("phone"), t("schedule")
        self.services = exportable_service_ids()
        of_services = service.c.id.in_(self.services)
        self.sals = select(sal.c.id).where(sal.c.service_id.in_(self.services))
        self.locations = select(sal.c.location_id).where(sal.c.service_id.in_(self.services))
        self.organizations = select(service.c.organization_id).where(of_services)
        self.programs = select(program.c.id).where(
            program.c.id.in_(select(service.c.program_id).where(of_services)),
            program.c.organization_id.in_(self.organizations),
        )
        self.contact_rows = and_(
            contact.c.is_public.is_(True),
            owned(
                contact,
                self.owners(
                    "organization_id", "service_id", "service_at_location_id", "location_id"
                ),
            ),
        )
        self.contacts = select(contact.c.id).where(self.contact_rows)
        owners = self.owners(
            "location_id", "service_id", "organization_id", "service_at_location_id"
        )
        self.phone_rows = owned(phone, owners | {"contact_id": self.contacts})
        self.phones = select(phone.c.id).where(self.phone_rows)
        self.schedule_rows = owned(
            schedule, self.owners("service_id", "location_id", "service_at_location_id")
        )
        self.schedules = select(schedule.c.id).where(self.schedule_rows)
        self.entities = {
            "service": self.services,
            "organization": self.organizations,
            "location": self.locations,
            "service_at_location": self.sals,
            "schedule": self.schedules,
        }  # the objects the API shows attributes and metadata of

    def owners(self, *names: str) -> dict[str, Select]:
        """Foreign key column -> the exported ids it may name."""
        ids = {
            "service_id": self.services,
            "location_id": self.locations,
            "organization_id": self.organizations,
            "service_at_location_id": self.sals,
        }
        return {name: ids[name] for name in names}

    def attribute_rows(self) -> ColumnElement[bool]:
        attribute = t("attribute")
        return and_(
            attribute.c.taxonomy_term_id.is_not(None),
            linked(attribute, "link_entity", "link_id", self.entities),
        )

    def term_rows(self, used: list[str]) -> ColumnElement[bool]:
        """The terms `used` by the exported attributes (gathered as they are written: a
        set as big as the vocabulary, not the directory), and their ancestors."""
        term = t("taxonomy_term")
        tree = (
            select(term.c.id, term.c.parent_id)
            .where(term.c.id.in_(used))
            .cte("exported_terms", recursive=True)
        )
        tree = tree.union(
            select(term.c.id, term.c.parent_id).join(tree, term.c.id == tree.c.parent_id)
        )
        return term.c.id.in_(select(tree.c.id))

    def where(self) -> dict[str, ColumnElement[bool]]:
        """Table name -> which of its rows the dump contains (taxonomy_term and taxonomy:
        see `term_rows`, and the taxonomies those terms name)."""
        metadata = t("metadata")
        by_service = {name: t(name).c.service_id.in_(self.services) for name in SERVICE_OWNED}
        return by_service | {
            "organization": t("organization").c.id.in_(self.organizations),
            "organization_identifier": t("organization_identifier").c.organization_id.in_(
                self.organizations
            ),
            "program": t("program").c.id.in_(self.programs),
            "service": t("service").c.id.in_(self.services),
            "service_at_location": t("service_at_location").c.id.in_(self.sals),
            "location": t("location").c.id.in_(self.locations),
            "address": and_(
                t("address").c.location_id.in_(self.locations), complete_address(t("address"))
            ),
            "accessibility": t("accessibility").c.location_id.in_(self.locations),
            "contact": self.contact_rows,
            "phone": self.phone_rows,
            "schedule": self.schedule_rows,
            "language": owned(
                t("language"),
                self.owners("service_id", "location_id") | {"phone_id": self.phones},
            ),
            "funding": owned(t("funding"), self.owners("organization_id", "service_id")),
            "attribute": self.attribute_rows(),
            # HSDS requires these non-empty, so whole-record events (create, delete) are
            # left out of the table; the JSON dumps carry them.
            "metadata": and_(
                linked(metadata, "resource_type", "resource_id", self.entities),
                *[metadata.c[name] != "" for name in METADATA_REQUIRED_TEXT],
            ),
            "meta_table_description": true(),
        }

    def columns(self, table_name: str, field_names: list[str]) -> list[ColumnElement]:
        """The table's columns in HSDS field order, references to left-out rows emptied."""
        table = t(table_name)
        overrides: dict[str, ColumnElement] = {}
        if table_name == "location":
            overrides["organization_id"] = kept_if(table.c.organization_id, self.organizations)
        if table_name == "service":
            overrides["program_id"] = kept_if(table.c.program_id, self.programs)
        if table_name in DESCRIBED:
            # HSDS tabular requires a description; an empty one is written as the name.
            description = func.nullif(table.c.description, "")
            overrides["description"] = func.coalesce(description, table.c.name)
        if table_name == "address":
            overrides["state_province"] = state_province(table)
        if table_name == "source_record":
            overrides["organization_id"] = kept_if(table.c.organization_id, self.organizations)
        if table_name == "phone":
            # A contact's phone belongs to the contact alone, as in the nested API.
            for name in ("location_id", "service_id", "organization_id", "service_at_location_id"):
                overrides[name] = case((table.c.contact_id.is_(None), table.c[name]), else_=None)
        return [overrides.get(name, table.c[name]).label(name) for name in field_names]

    def source_record_rows(self) -> ColumnElement[bool]:
        record, source = t("source_record"), t("source")
        return and_(
            source.c.redistributable.is_(True),
            or_(
                record.c.service_id.in_(self.services),
                and_(
                    record.c.service_id.is_(None),
                    record.c.organization_id.in_(self.organizations),
                ),
            ),
        )

    def has_own_services(self) -> Select:
        """Whether any exported service has no source record (is Signpost's own)."""
        record, service = t("source_record"), t("service")
        with_records = select(record.c.service_id).where(record.c.service_id.is_not(None))
        return select(
            select(service.c.id)
            .where(service.c.id.in_(self.services), service.c.id.not_in(with_records))
            .exists()
        )


def given(column: ColumnElement) -> ColumnElement:
    """The text, or NULL when it is empty or blank."""
    return func.nullif(func.trim(column), "")


def state_province(address: Table) -> ColumnElement:
    """HSDS requires `state_province`, which a UK address rarely says: the address's own,
    else its region, else the borough its location is in (from the area polygons)."""
    location = t("location")
    borough = (
        select(given(location.c.borough))
        .where(location.c.id == address.c.location_id)
        .scalar_subquery()
    )
    return func.coalesce(given(address.c.state_province), given(address.c.region), borough)


def complete_address(address: Table) -> ColumnElement[bool]:
    """An address HSDS tabular can hold: every field it requires known (state_province
    filled as `state_province` says). Others stay out of the package; the JSON dumps
    and the API keep what is known of them."""
    required = [given(address.c[name]).is_not(None) for name in ADDRESS_REQUIRED]
    return and_(*required, state_province(address).is_not(None))


ADDRESS_REQUIRED = ("address_1", "city", "postal_code", "country", "address_type")
DESCRIBED = ("organization", "program", "taxonomy", "taxonomy_term")
SERVICE_OWNED = ("service_area", "cost_option", "required_document")
METADATA_REQUIRED_TEXT = ("field_name", "previous_value", "replacement_value", "updated_by")
