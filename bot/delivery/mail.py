"""The email outbox: an email is a row written in the transaction that decided it, sent later by the mailer.

Only workers and the duty contact get email (digests, urgent alerts); nothing is queued while email is not
configured (``[email] host``), so a deployment without SMTP keeps no undeliverable rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Email


def queue(session: AsyncSession, now: datetime, to_addr: str, subject: str, text: str,
          html: str | None = None) -> Email:
    """Queue one email (sent once the transaction commits and the mailer next runs)."""
    email = Email(to_addr=to_addr, subject=subject[:300], body_text=text, body_html=html, status="pending",
                  attempts=0, not_before=now, created_at=now)
    session.add(email)
    return email
