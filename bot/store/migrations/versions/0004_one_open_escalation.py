"""one open escalation per person and kind

Before the index can exist, any duplicate open rows are merged: the oldest open row per (person, kind)
is kept and the later ones' evidence items are added to it (in time order); the later rows are closed,
with when and why in their evidence. Downgrading drops the index only (merged rows stay closed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00
"""

from datetime import UTC, datetime
from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

INDEX = 'uq_escalations_open_person_kind'
OPEN = "status = 'open'"

escalations = sa.table(
    'escalations',
    sa.column('id', sa.Integer()),
    sa.column('person_id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('status', sa.String()),
    sa.column('opened_at', sa.DateTime()),
    sa.column('evidence', sa.JSON()),
)


def _items(evidence: Any) -> list[Any]:
    return list(evidence.get('items', [])) if isinstance(evidence, dict) else []


def _merge_duplicates(connection: sa.engine.Connection) -> None:
    rows = connection.execute(
        sa.select(escalations.c.id, escalations.c.person_id, escalations.c.kind, escalations.c.evidence)
        .where(escalations.c.status == 'open')
        .order_by(escalations.c.person_id, escalations.c.kind, escalations.c.opened_at, escalations.c.id)
    ).all()
    groups: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.person_id, row.kind), []).append(row)
    closed_at = datetime.now(UTC).isoformat()
    for group in groups.values():
        if len(group) < 2:
            continue
        kept, later = group[0], group[1:]
        items = _items(kept.evidence) + [item for row in later for item in _items(row.evidence)]
        items.sort(key=lambda item: str(item.get('at', '')) if isinstance(item, dict) else '')
        evidence = dict(kept.evidence) if isinstance(kept.evidence, dict) else {}
        connection.execute(sa.update(escalations).where(escalations.c.id == kept.id)
                           .values(evidence={**evidence, 'items': items}))
        for row in later:
            evidence = dict(row.evidence) if isinstance(row.evidence, dict) else {}
            closed = {'at': closed_at, 'reason': f'duplicate: merged into escalation {kept.id}'}
            connection.execute(sa.update(escalations).where(escalations.c.id == row.id)
                               .values(status='closed', evidence={**evidence, 'closed': closed}))


def upgrade() -> None:
    _merge_duplicates(op.get_bind())
    op.create_index(INDEX, 'escalations', ['person_id', 'kind'], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index(INDEX, table_name='escalations')
