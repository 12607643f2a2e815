"""INSERT many rows of one table in one executemany: an import's hottest statement.

SQLAlchemy's executemany turns each row dict into parameters one at a time: a dict of
every bind parameter per row, each value through its type's processor, then a tuple in
the statement's order. On SQLite that bookkeeping cost about a fifth as much again as the
inserts themselves (some 5 s of a 100,000-row import). Here the statement is compiled
once per table and set of columns, the type processors (JSON, UTC datetimes) are looked
up once, and each row becomes its tuple in one pass, which goes to the driver through
`exec_driver_sql` (so SQLAlchemy's errors, events and transaction are unchanged).
PostgreSQL keeps SQLAlchemy's own executemany: its "insertmanyvalues" batching of rows
into multi-row INSERTs is what makes inserts fast there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Insert, TableClause, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

Data = dict[str, Any]
Processor = Callable[[Any], Any] | None


def insert_rows(
    connection: Connection,
    table: TableClause,
    rows: list[Data],
    *,
    ignore_duplicates: bool = False,
) -> None:
    """Insert rows that all have the same keys (a subset of the table's columns);
    `ignore_duplicates`: ON CONFLICT DO NOTHING (both engines)."""
    if not rows:
        return
    keys = tuple(sorted(rows[0]))
    compiled = _compiled(table, keys, connection.dialect, ignore_duplicates)
    if compiled is None:
        connection.execute(_statement(table, connection.dialect, ignore_duplicates), rows)
        return
    sql, values, processed = compiled
    params = list(map(values, rows))
    if processed:
        params = [_processed(row, processed) for row in params]
    connection.exec_driver_sql(sql, params)


def _processed(values: tuple, processed: list[tuple[int, Processor]]) -> tuple:
    changed = list(values)
    for index, process in processed:
        changed[index] = process(changed[index])
    return tuple(changed)


def _statement(table: TableClause, dialect: Dialect, ignore_duplicates: bool) -> Insert:
    if not ignore_duplicates:
        return insert(table)
    dialect_insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing()


@cache
def _compiled(
    table: TableClause, keys: tuple[str, ...], dialect: Dialect, ignore_duplicates: bool
) -> tuple[str, Callable[[Data], tuple], list[tuple[int, Processor]]] | None:
    """The INSERT's SQL for these columns, a function giving a row's values in its order,
    and (position, bind processor) of those a type processes; None where SQLAlchemy's own
    executemany is wanted: on a driver taking named parameters (PostgreSQL), or when a
    missing column has a default to fill in."""
    if not dialect.positional:
        return None
    statement = _statement(table, dialect, ignore_duplicates)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = list(compiled.positiontup or [])
    if sorted(names) != list(keys):
        return None
    processors = [_processor(table.c[name].type, dialect) for name in names]
    processed = [(index, p) for index, p in enumerate(processors) if p is not None]
    getter = itemgetter(*names)
    values = getter if len(names) > 1 else (lambda row: (getter(row),))
    return str(compiled), values, processed


def _processor(column_type: TypeEngine, dialect: Dialect) -> Processor:
    """The column type's bind processor as the dialect implements it (SQLite's DATETIME
    writes text without an offset; the generic type would leave the datetime to the driver)."""
    return column_type.dialect_impl(dialect).bind_processor(dialect)
