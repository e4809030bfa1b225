"""following up: escalation routing and acknowledgement, safeguarding log, relays, emails, digests

People gain when they last wrote or tapped anything; workers gain a supervisor, a digest time, leave and a pending typed reply; escalations gain when evidence
last arrived, who acknowledged, alert and forwarding times, a snooze and when they were last in a digest;
audit events record whether the attempt was refused.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _add_reference(table: str, column: str, name: str) -> None:
    """A nullable integer column referring to ``workers.id``. SQLite adds it in place (its ADD COLUMN takes a
    REFERENCES clause), rather than by copying the table: a copy drops the old table, which foreign keys from
    rows in other tables (people → workers) forbid."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES workers (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, 'workers', [column], ['id'])


def upgrade() -> None:
    _add_reference('workers', 'supervisor_id', 'fk_workers_supervisor_id_workers')
    op.add_column('workers', sa.Column('digest_time', sa.String(length=5), nullable=True))
    op.add_column('workers', sa.Column('away_until', sa.DateTime(), nullable=True))
    op.add_column('workers', sa.Column('awaiting', sa.String(length=40), nullable=True))
    op.add_column('people', sa.Column('last_message_at', sa.DateTime(), nullable=True))
    for column in ('updated_at', 'alerted_at', 'forwarded_at', 'snoozed_until', 'digested_at'):
        op.add_column('escalations', sa.Column(column, sa.DateTime(), nullable=True))
    _add_reference('escalations', 'acknowledged_by', 'fk_escalations_acknowledged_by_workers')
    op.add_column('audit_events', sa.Column('outcome', sa.String(length=20), nullable=False, server_default='ok'))
    op.create_table(
        'safeguarding_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('escalation_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('worker_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name='fk_safeguarding_log_escalation_id_escalations',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name='fk_safeguarding_log_person_id_people',
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name='fk_safeguarding_log_worker_id_workers'),
        sa.PrimaryKeyConstraint('id', name='pk_safeguarding_log'),
    )
    op.create_index('ix_safeguarding_log_at', 'safeguarding_log', ['at'])
    op.create_index('ix_safeguarding_log_escalation_id', 'safeguarding_log', ['escalation_id'])
    op.create_index('ix_safeguarding_log_person_id', 'safeguarding_log', ['person_id'])
    op.create_table(
        'relays',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name='fk_relays_worker_id_workers'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name='fk_relays_person_id_people', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_relays'),
    )
    op.create_index('ix_relays_worker_id', 'relays', ['worker_id'])
    op.create_index('uq_relays_open_person', 'relays', ['person_id'], unique=True,
                    sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
    op.create_table(
        'emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_addr', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('not_before', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_emails'),
    )
    op.create_index('ix_emails_status_not_before', 'emails', ['status', 'not_before'])
    op.create_table(
        'digests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name='fk_digests_worker_id_workers'),
        sa.PrimaryKeyConstraint('id', name='pk_digests'),
        sa.UniqueConstraint('worker_id', 'day', name='uq_digests_worker_id'),
    )
    op.create_index('ix_digests_worker_id', 'digests', ['worker_id'])


def downgrade() -> None:
    """Undo. On SQLite the tables that lose a reference column are copied (batch mode); a SQLite database
    whose people refer to workers needs foreign keys off for that (``PRAGMA foreign_keys=OFF``)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.drop_table('digests')
    op.drop_table('emails')
    op.drop_index('uq_relays_open_person', table_name='relays')
    op.drop_table('relays')
    op.drop_table('safeguarding_log')
    for table, columns, reference in (
        ('audit_events', ('outcome',), None),
        ('escalations', ('digested_at', 'snoozed_until', 'forwarded_at', 'alerted_at', 'acknowledged_by',
                         'updated_at'), 'fk_escalations_acknowledged_by_workers'),
        ('people', ('last_message_at',), None),
        ('workers', ('awaiting', 'away_until', 'digest_time', 'supervisor_id'), 'fk_workers_supervisor_id_workers'),
    ):
        with op.batch_alter_table(table, recreate='always' if sqlite and reference else 'auto') as batch:
            if reference and not sqlite:
                batch.drop_constraint(reference, type_='foreignkey')
            for column in columns:
                batch.drop_column(column)
