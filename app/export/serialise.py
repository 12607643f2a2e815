"""ServiceSchema's output at dump speed: the same nested objects, read with Core queries.

Loading a full service through the ORM builds about a hundred objects and collections;
for 100,000 services that alone takes longer than a nightly dump may. So the JSON dumps
walk the marshmallow schema once to make a `Plan`: for each nested field, the model
relationship it reads (with that relationship's own join condition, so private contacts
and everything else the ORM hides stay hidden in exactly the same way), and for each
plain field, the marshmallow field that formats it. A batch of services is then loaded
level by level as plain dicts, one query per relationship, and dumped through the plan.
The output equals ServiceSchema().dump() (tested), except that nested lists come in id
order (or the relationship's own order), where the API leaves the order to the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import ColumnClause, inspect, select
from sqlalchemy.orm import RelationshipProperty, Session
from sqlalchemy.sql.visitors import replacement_traverse

from app.chunks import chunks
from app.models import Service
from schemas.service import ServiceSchema

Row = dict[str, Any]
IN_CHUNK = 1000


@dataclass
class Plan:
    """How to load and dump one schema's objects from one model's table.

    `fields` in the schema's order: (output key, attribute, how to format the value (the
    marshmallow field's own _serialize; None for a String: str as it is), nested plan or
    None, whether a list); `relations`: attribute -> (relationship, nested plan).
    """

    model: type
    fields: list[tuple[str, str, Callable | None, Plan | None, bool]]
    relations: dict[str, tuple[RelationshipProperty, Plan]]


def make_plan(schema: Schema, model: type) -> Plan:
    """The plan for `schema` over `model`; raises for a field it cannot dump as marshmallow
    would (one reading a model property rather than a column or relationship)."""
    mapper = inspect(model)
    plan = Plan(model, [], {})
    for name, schema_field in schema.dump_fields.items():
        attribute = schema_field.attribute or name
        key = schema_field.data_key or name
        many = isinstance(schema_field, fields.List)
        inner = schema_field.inner if many else schema_field
        if isinstance(inner, fields.Nested):
            relationship = mapper.relationships[attribute]
            nested = make_plan(inner.schema, relationship.mapper.class_)
            plan.relations[attribute] = (relationship, nested)
            plan.fields.append((key, attribute, None, nested, many))
        elif attribute in mapper.column_attrs:
            plain = type(schema_field) is fields.String
            formatter = None if plain else schema_field._serialize
            plan.fields.append((key, attribute, formatter, None, False))
        elif hasattr(model, attribute):
            raise ValueError(f"{type(schema).__name__}.{name} reads {model.__name__}.{attribute}, "
                             "which is neither a column nor a relationship")  # fmt: skip
        # Otherwise the model lacks it (e.g. `distance`, set on place-search results only),
        # so marshmallow would leave it out of a loaded object's dump, and so does the plan.
    return plan


@cache
def service_plan() -> Plan:
    return make_plan(ServiceSchema(), Service)


def load_services(
    session: Session, service_ids: Sequence[str], plan: Plan | None = None
) -> list[Row]:
    """The services as dicts with every relation of `plan` (default: the full service)
    filled in, each a list of rows (to-one relations too), in the order given."""
    plan = plan or service_plan()
    rows = {row["id"]: row for row in fetch_rows(session, plan.model, service_ids)}
    fill(session, plan, rows)
    return [rows[service_id] for service_id in service_ids if service_id in rows]


def fetch_rows(session: Session, model: type, ids: Sequence[str]) -> list[Row]:
    table = inspect(model).local_table
    columns = [column.label(key) for key, column in columns_of(model)]
    result = []
    for chunk in chunks(ids, IN_CHUNK):
        query = select(*columns).where(table.c.id.in_(chunk))
        result += [dict(row._mapping) for row in session.execute(query)]
    return result


def fill(session: Session, plan: Plan, rows: dict[str, Row]) -> None:
    """Set every nested attribute of `rows` (by id), then theirs, one query a relation."""
    for attribute, (relationship, nested) in plan.relations.items():
        parent_key, _remote, _condition = relation_keys(relationship)
        keys = sorted({row[parent_key] for row in rows.values() if row[parent_key] is not None})
        children: dict[str, Row] = {}
        by_key: dict[str, list[Row]] = {}
        for key, child in fetch_related(session, relationship, keys):
            by_key.setdefault(key, []).append(children.setdefault(child["id"], child))
        for row in rows.values():
            row[attribute] = by_key.get(row[parent_key], [])
        if children:
            fill(session, nested, children)


@cache
def relation_keys(relationship: RelationshipProperty) -> tuple[str, Any, Any]:
    """(the parent's attribute holding the key, the target column it matches, the
    relationship's join condition with the parent's column replaced by the target's).

    Querying the target by `column IN (keys)`, as the ORM's selectin loading does, keeps
    the query plan simple on both engines (a join from the parent table may not be).
    """
    ((local, remote),) = relationship.local_remote_pairs
    parent_key = relationship.parent.get_property_by_column(local).key

    def swap(element: Any) -> Any:
        same = getattr(element, "table", None) is local.table and element.name == local.name
        return remote if isinstance(element, ColumnClause) and same else None

    return parent_key, remote, replacement_traverse(relationship.primaryjoin, {}, swap)


def fetch_related(
    session: Session, relationship: RelationshipProperty, keys: list[Any]
) -> list[tuple[Any, Row]]:
    """(key, target row) for each row `relationship` gives parents with those keys."""
    _parent_key, remote, condition = relation_keys(relationship)
    target_model = relationship.mapper.class_
    columns = [column.label(key) for key, column in columns_of(target_model)]
    order = list(relationship.order_by or []) + [relationship.mapper.local_table.c.id]
    pairs = []
    for chunk in chunks(keys, IN_CHUNK):
        query = (
            select(remote.label("_key"), *columns)
            .where(remote.in_(chunk), condition)
            .order_by(*order)
        )
        for row in session.execute(query):
            values = dict(row._mapping)
            pairs.append((values.pop("_key"), values))
    return pairs


@cache
def columns_of(model: type) -> list[tuple[str, Any]]:
    return [(attr.key, attr.columns[0]) for attr in inspect(model).column_attrs]


def dump(plan: Plan, row: Row) -> dict[str, Any]:
    """`row` as the plan's schema dumps it, nulls and empty lists left out
    (HSDSSchema.drop_nulls)."""
    out: dict[str, Any] = {}
    for key, attribute, formatter, nested, many in plan.fields:
        value = row.get(attribute)
        if nested is not None:
            items = [dump(nested, item) for item in value]
            if many:
                if items:
                    out[key] = items
            elif items:
                out[key] = items[0]
        elif value is not None:
            if formatter is not None:
                value = formatter(value, attribute, row)
            elif not isinstance(value, str):
                value = str(value)
            if value is not None:
                out[key] = value
    return out
