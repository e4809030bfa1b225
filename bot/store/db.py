"""Database engine and sessions: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError, OSError)
"""What a database that is down, unreachable or busy raises (asyncpg reports a refused connection as OSError).
Errors that would happen again on retry (bad data, a bug in a query) are not among them."""


def async_url(url: str) -> URL:
    """Turn a plain ``sqlite:///`` or ``postgresql://`` URL into its asyncio driver form."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database URL scheme {parsed.drivername!r}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Transactions are begun by us (below), not by the driver: see _sqlite_begin.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    """Every transaction takes SQLite's write lock up front (BEGIN IMMEDIATE) and waits for it (busy_timeout).

    A deferred transaction that reads and then writes cannot wait: SQLite refuses it at once ("database is
    locked") when another connection wrote in between, which under load turned ordinary work into errors.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout. Bound values are kept
    out of error messages (``hide_parameters``), so a logged database error never carries what a person
    wrote, a name or a token."""
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(target, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(target, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)


class Database:
    """The engine plus a session factory; ``async with db.session() as s`` commits on success."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Build from a plain database URL."""
        return cls(create_engine(url))

    @property
    def is_postgres(self) -> bool:
        """Whether the backend is PostgreSQL (row locks with SKIP LOCKED are available)."""
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: committed when the block ends normally, rolled back otherwise."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
