"""The base every HSDS schema shares: absent values are left out, never sent as null.

HSDS's JSON Schemas type optional fields as plain strings/numbers, so `null` would make
a response invalid; leaving the key out is what they allow.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump


class HSDSSchema(Schema):
    @post_dump
    def drop_nulls(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


def uuid_field() -> fields.String:
    return fields.String(metadata={"format": "uuid"})


def nested_list(schema: type[Schema] | Schema | str, **kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(schema, **kwargs))
