"""The base every HSDS schema shares: absent values are left out, never sent as null,
and neither are empty lists.

HSDS's JSON Schemas type optional fields as plain strings/numbers, so `null` would make
a response invalid; leaving the key out is what they allow. Open Referral UK asks the
same of optional fields without a value, lists included (no HSDS object requires an
array): a service without phones has no `phones` member rather than `"phones": []`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump


class HSDSSchema(Schema):
    @post_dump
    def drop_nulls(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if not empty(value)}


def empty(value: Any) -> bool:
    """A value ORUK leaves out: none, or an empty list."""
    return value is None or (type(value) is list and not value)


def uuid_field() -> fields.String:
    return fields.String(metadata={"format": "uuid"})


def nested_list(schema: type[Schema] | Schema | str, **kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(schema, **kwargs))
