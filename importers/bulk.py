"""INSERT many rows of one table in one executemany: the import's hottest statement.

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
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

Data = dict[str, Any]
Processor = Callable[[Any], Any] | None


def insert_rows(connection: Connection, table: Table, rows: list[Data]) -> None:
    """Insert rows that all have the same keys (a subset of the table's columns)."""
    if not rows:
        return
    compiled = _compiled(table, tuple(sorted(rows[0])), connection.dialect)
    if compiled is None:
        connection.execute(insert(table), rows)
        return
    sql, order = compiled
    params = [
        tuple([row[name] if process is None else process(row[name]) for name, process in order])
        for row in rows
    ]
    connection.exec_driver_sql(sql, params)


@cache
def _compiled(
    table: Table, keys: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[tuple[str, Processor]]] | None:
    """The INSERT's SQL for these columns, and (column, bind processor) in its order;
    None where SQLAlchemy's own executemany is wanted: on a driver taking named
    parameters (PostgreSQL), or when a missing column has a default to fill in."""
    if not dialect.positional:
        return None
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    names = list(compiled.positiontup or [])
    if sorted(names) != list(keys):
        return None
    order = [(name, _processor(table.c[name].type, dialect)) for name in names]
    return str(compiled), order


def _processor(column_type: TypeEngine, dialect: Dialect) -> Processor:
    """The column type's bind processor as the dialect implements it (SQLite's DATETIME
    writes text without an offset; the generic type would leave the datetime to the driver)."""
    return column_type.dialect_impl(dialect).bind_processor(dialect)
