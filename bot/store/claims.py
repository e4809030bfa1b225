"""The one helper for claiming rows: a conditional state change that only one claimer can win.

A single row is claimed by ``UPDATE … WHERE <still claimable>`` and checking that one row changed. A batch
is claimed by one ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING id``: atomic on SQLite, and on
PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED`` so several instances never wait on, or win,
the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Select, update
from sqlalchemy.ext.asyncio import AsyncSession


async def claim_one(session: AsyncSession, model: Any, where: Sequence[ColumnElement[bool]],
                    values: dict[str, Any]) -> bool:
    """Apply ``values`` to the one row matching ``where``; True only for the caller that changed it."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(model).where(*where).values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def claim_batch(session: AsyncSession, model: Any, ids: Select[Any], where: Sequence[ColumnElement[bool]],
                      values: dict[str, Any]) -> list[int]:
    """Claim the rows ``ids`` selects (ordered and limited by the caller) that still match ``where``.

    Returns the ids this caller won, in no particular order.
    """
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    statement = (update(model).where(model.id.in_(ids.scalar_subquery()), *where).values(**values)
                 .returning(model.id).execution_options(synchronize_session=False))
    return [row[0] for row in (await session.execute(statement)).all()]
