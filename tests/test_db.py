"""The engine's per-connection settings: an import's large SQLite page cache is its own."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db import BULK_WRITE_CACHE_KIB, DEFAULT_CACHE_KIB, make_engine, widen_cache

EMAIL = "jo@camdenhealthwalks.example.org"


def cache_size(session: Session) -> int:
    return session.connection().exec_driver_sql("PRAGMA cache_size").scalar()


def test_an_import_connection_gets_a_large_cache_until_it_goes_back_to_the_pool(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'signpost.db'}")
    with Session(engine) as session, session.begin():
        assert cache_size(session) == -DEFAULT_CACHE_KIB
        widen_cache(session)
        assert cache_size(session) == -BULK_WRITE_CACHE_KIB
    with Session(engine) as session:  # the same pooled connection, narrowed again
        assert cache_size(session) == -DEFAULT_CACHE_KIB
    engine.dispose()


def test_database_errors_never_show_the_statements_parameters(tmp_path):
    """An error is logged: it must not carry an account's email address (issue 19, L6)."""
    engine = make_engine(
        f"sqlite:///{tmp_path / 'signpost.db'}", connect_args={"timeout": 1}
    )  # connect_args of one's own keep the hiding
    with pytest.raises(DBAPIError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table WHERE email = :e"), {"e": EMAIL})
    assert EMAIL not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)
    engine.dispose()
