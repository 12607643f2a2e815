"""Alembic environment: one set of migrations for SQLite and PostgreSQL/PostGIS.

Run through `signpost db upgrade` (app/migrate.py builds the Config and says which
engine-specific tables autogenerate must ignore).
"""

from alembic import context
from sqlalchemy import engine_from_config, pool

from app.migrate import include_object
from app.models import Base


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


config = context.config
connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as conn:
        run_migrations(conn)
