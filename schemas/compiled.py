"""Dumping HSDS objects as the marshmallow schemas say, without marshmallow's per-field
machinery.

A page of 20 services is some 25,000 field visits, and marshmallow spends several
function calls on each (accessor, default, `_serialize`, the `drop_nulls` pass): a third
of a search's CPU. `dumper(schema)` reads the schema's declared fields once and returns a
function doing the same work in one loop per object. The schemas stay the one definition
of every response (and of openapi.yaml); tests/api/test_compiled_dump.py holds the two
dumps equal for every response schema over the sample directory.

Only what the response schemas use is understood: String, Integer, Float, Boolean,
DateTime, Nested and List fields, and HSDSSchema's `drop_nulls` (nulls and empty lists).
A schema using anything else (another field type, a hook, a default, a data_key) is
dumped by marshmallow itself: never a different result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing
from marshmallow.utils import get_value

from schemas.base import HSDSSchema

Dump = Callable[[Any], Any]


class NotCompilable(TypeError):
    """The schema uses something `dumper` does not reproduce."""


_dumpers: dict[tuple, Callable[..., Any]] = {}


def dumper(schema: Schema) -> Callable[..., Any]:
    """`dump(obj, many=False)`, equal to `schema.dump(obj, many=many)`; made once per
    schema class and options."""
    key = _schema_key(schema)
    found = _dumpers.get(key)
    if found is None:
        found = _dumpers[key] = _make(schema)
    return found


def _make(schema: Schema) -> Callable[..., Any]:
    try:
        one = _compile(schema)
    except NotCompilable:
        return schema.dump

    def dump(obj: Any, many: bool = False) -> Any:
        if many or schema.many:
            return [one(item) for item in obj]
        return one(obj)

    return dump


def _schema_key(schema: Schema) -> tuple:
    only = frozenset(schema.only) if schema.only is not None else None
    return type(schema), only, frozenset(schema.exclude), schema.many


def _compile(schema: Schema) -> Dump:
    drop_nulls = _check_hooks(schema)
    steps = [_step(name, field) for name, field in schema.dump_fields.items()]

    def dump_one(obj: Any) -> dict[str, Any]:
        plain = not hasattr(type(obj), "__getitem__")  # an ORM object, not a mapping
        out = {}
        for key, attribute, convert in steps:
            if plain:
                value = getattr(obj, attribute, missing)
            else:
                value = get_value(obj, attribute, missing)
            if value is missing:
                continue
            if value is None:
                if not drop_nulls:
                    out[key] = None
                continue
            value = convert(value) if convert is not None else value
            if drop_nulls and type(value) is list and not value:
                continue
            out[key] = value
        return out

    return dump_one


def _check_hooks(schema: Schema) -> bool:
    """Whether the schema drops nulls (HSDSSchema's only hook); NotCompilable for any
    other hook."""
    hooks = {kind: [hook[:2] for hook in found] for kind, found in schema._hooks.items() if found}
    if not hooks:
        return False
    if hooks == {"post_dump": [("drop_nulls", False)]} and isinstance(schema, HSDSSchema):
        return True
    raise NotCompilable(f"{type(schema).__name__} has hooks {hooks}")


def _step(name: str, field: fields.Field) -> tuple[str, str, Dump | None]:
    if field.data_key is not None or field.dump_default is not missing:
        raise NotCompilable(f"field {name!r} has a data_key or dump_default")
    return name, field.attribute or name, _converter(name, field)


def _converter(name: str, field: fields.Field) -> Dump | None:
    """What the field's `_serialize` does to a value that is not None."""
    kind = type(field)
    if kind is fields.String:
        return _text
    if kind in (fields.Integer, fields.Float) and not field.as_string:
        return field.num_type
    if kind is fields.Boolean:
        return None  # marshmallow dumps a boolean's value as it is
    if kind is fields.DateTime:
        style = field.format or field.DEFAULT_FORMAT
        known = field.SERIALIZATION_FUNCS.get(style)
        return known if known is not None else (lambda value: value.strftime(style))
    if kind is fields.Nested:
        nested = field.schema
        many = nested.many or field.many
        one = _compile(nested)
        return (lambda value: [one(item) for item in value]) if many else one
    if kind is fields.List:
        inner = _converter(name, field.inner)
        if inner is None:
            return list
        return lambda value: [None if item is None else inner(item) for item in value]
    raise NotCompilable(f"field {name!r} is a {kind.__name__}")


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
