"""insert_rows writes exactly what SQLAlchemy's own executemany INSERT would."""

import datetime as dt

from sqlalchemy import column, insert, select, table, text

from app.models import MetadataEntry, Source, SourceRecord, stable_id
from app.records.bulk_insert import insert_rows

WHEN = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)


def records(source_id: str, prefix: str) -> list[dict]:
    return [
        {
            "id": stable_id(prefix, str(n)), "source_id": source_id, "key": f"{prefix}{n}",
            "position": f"line {n}", "raw": {"Name": f"Café {n}", "n": [n, None]},
            "record": {"name": f"Café {n}", "phones": [{"number": "020 7946 0000"}]},
            "content_hash": "0" * 64, "status": "active", "service_id": None,
            "organization_id": None, "first_seen_at": WHEN, "last_seen_at": WHEN,
            "updated_at": WHEN + dt.timedelta(hours=n),
        }
        for n in range(3)
    ]  # fmt: skip


def stored(session, prefix: str) -> list[tuple]:
    """The rows as the database holds them (raw SQL: no type turns text back into values)."""
    columns = [c.name for c in SourceRecord.__table__.columns if c.name not in ("id", "key")]
    query = text(
        f"SELECT {', '.join(columns)} FROM source_record WHERE key LIKE :prefix ORDER BY key"
    )
    return [tuple(row) for row in session.execute(query, {"prefix": f"{prefix}%"})]


def test_rows_come_back_as_sqlalchemys_executemany_writes_them(session):
    source = Source(id=stable_id("source", "bulk"), name="bulk")
    session.add(source)
    session.flush()
    connection = session.connection()
    connection.execute(insert(SourceRecord.__table__), records(source.id, "a"))
    insert_rows(connection, SourceRecord.__table__, records(source.id, "b"))
    assert stored(session, "b") == stored(session, "a")
    first = session.scalars(select(SourceRecord).where(SourceRecord.key == "b2")).one()
    assert (first.raw["Name"], first.updated_at) == ("Café 2", WHEN + dt.timedelta(hours=2))


def test_a_missing_column_gets_its_default_as_with_sqlalchemy(session):
    row = {
        "id": stable_id("metadata", "1"), "resource_id": stable_id("service", "1"),
        "resource_type": "service", "last_action_date": WHEN, "last_action_type": "create",
        "updated_by": "import:bulk",
    }  # fmt: skip
    insert_rows(session.connection(), MetadataEntry.__table__, [row])
    entry = session.get(MetadataEntry, row["id"])
    assert (entry.field_name, entry.previous_value, entry.replacement_value) == ("", "", "")
    assert entry.last_action_date == WHEN


def test_no_rows_is_no_statement(session):
    insert_rows(session.connection(), MetadataEntry.__table__, [])
    assert session.scalars(select(MetadataEntry)).all() == []


def test_duplicates_can_be_ignored(session):
    words = table("service_search_word", column("word"))
    insert_rows(session.connection(), words, [{"word": "garden"}], ignore_duplicates=True)
    rows = [{"word": "garden"}, {"word": "walk"}, {"word": "walk"}]
    insert_rows(session.connection(), words, rows, ignore_duplicates=True)
    found = session.scalars(select(words.c.word).where(words.c.word.in_(["garden", "walk"])))
    assert sorted(found) == ["garden", "walk"]
