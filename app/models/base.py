"""Declarative base and the column helpers every HSDS table shares."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import DateTime, ForeignKey, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints so Alembic migrations are deterministic on both engines.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A random UUID as the canonical 36-character string HSDS uses for every `id`."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def id_column() -> Mapped[str]:
    """Primary key: a UUID string (portable: SQLite has no uuid type)."""
    return mapped_column(String(36), primary_key=True, default=new_id)


def fk(target: str, *, index: bool = True, ondelete: str | None = "CASCADE") -> Mapped[str | None]:
    """A nullable UUID foreign key, indexed because every nested read joins on it."""
    return mapped_column(String(36), ForeignKey(target, ondelete=ondelete), index=index)


def text() -> Mapped[str | None]:
    return mapped_column(Text)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both engines (SQLite would drop the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, _dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, _dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
