"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and undo cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.store.db import Database
from bot.store.migrate import alembic_config, upgrade
from bot.store.models import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return [diff for diff in compare_metadata(context, Base.metadata)
            if not (isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == "alembic_version")]


async def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    await upgrade(db)
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_the_newest_migration_goes_down_and_up_again(db: Database) -> None:
    await upgrade(db)

    def down_and_up(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "-1")
        command.upgrade(alembic_config(connection), "head")

    async with db.engine.begin() as connection:
        await connection.run_sync(down_and_up)
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
