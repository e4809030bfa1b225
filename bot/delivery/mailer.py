"""The mailer: sends the pending rows of the ``emails`` table (queued by ``work.email``) over SMTP.

Rows are claimed with the one claim helper (``bot.store.claims``): ``pending → sending``, with ``not_before``
moved on by a lease, so two instances never send the same row and a row whose sender died is taken back once
the lease has passed. Each email is multipart: the plain text, and the HTML as its alternative. When the server
cannot be reached or refuses a message, the row goes back to ``pending`` with ``not_before`` pushed back
(1, 2, 4 … minutes, at most ``email.retry_max_minutes``) and a short reason; nothing else waits for it, so
Telegram is never held up by email. Logs carry row ids and reasons only: never addresses, bodies or passwords.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib
from sqlalchemy import or_, select

from bot.clock import Clock
from bot.config_followup import EmailSettings
from bot.store.claims import claim_batch
from bot.store.db import Database
from bot.store.models import Email

log = logging.getLogger("bot.mailer")

GIVE_UP_AFTER = 48
"""Attempts after which a row is marked failed (about two days at the default hourly cap)."""


def backoff(attempts: int, most_minutes: float) -> timedelta:
    """How long before trying a row again after its ``attempts``-th failure: 1, 2, 4 … minutes, capped."""
    return timedelta(minutes=min(most_minutes, 2.0 ** max(0, attempts - 1)))


def reason(exc: BaseException) -> str:
    """A short reason for the ``error`` column: the kind of failure and the server's code, nothing else."""
    code = getattr(exc, "code", None)
    refused = getattr(exc, "recipients", None)  # SMTPRecipientsRefused: the first refusal's code
    if code is None and isinstance(refused, list) and refused:
        code = getattr(refused[0], "code", None)
    return f"{type(exc).__name__}" + (f" {code}" if isinstance(code, int) else "")


def compose(row: Email, from_addr: str, now: datetime) -> EmailMessage:
    """The message for ``row``: plain text, with the HTML as its alternative when there is one."""
    message = EmailMessage()
    message["From"] = from_addr
    message["To"] = row.to_addr
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"email{row.id}", domain=from_addr.rpartition("@")[2] or None)
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    return message


class Mailer:
    """Sends due emails in batches; ``run`` once per pass of the jobs."""

    def __init__(self, db: Database, clock: Clock, settings: EmailSettings) -> None:
        self.db, self.clock, self.settings = db, clock, settings

    @property
    def lease(self) -> timedelta:
        """How long a claimed row is this sender's: time to connect, log in and send, with room to spare."""
        return timedelta(seconds=4 * self.settings.timeout_seconds + 60)

    async def claim(self, limit: int) -> list[Email]:
        """Claim up to ``limit`` due rows (pending, or sending with an expired lease), oldest first."""
        now = self.clock.now()
        claimable = [or_(Email.status == "pending", Email.status == "sending"), Email.not_before <= now]
        due = select(Email.id).where(*claimable).order_by(Email.not_before, Email.id).limit(limit)
        async with self.db.session() as session:
            ids = await claim_batch(session, Email, due, claimable,
                                    {"status": "sending", "not_before": now + self.lease,
                                     "attempts": Email.attempts + 1})
            if not ids:
                return []
            rows = await session.execute(select(Email).where(Email.id.in_(ids)).order_by(Email.id))
            return list(rows.scalars())

    async def run(self, limit: int) -> int:
        """Send one batch of due emails; how many the server took. Nothing happens while email is off."""
        if not self.settings.enabled or limit <= 0:
            return 0
        rows = await self.claim(limit)
        if not rows:
            return 0
        sent = 0
        try:
            async with self._connect() as smtp:
                for row in rows:
                    sent += await self._send(smtp, row)
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            # could not connect, log in or keep the connection: every row not yet settled waits and retries
            log.warning("email: SMTP server unavailable (%s); %d waiting", reason(exc), len(rows) - sent)
            for row in rows:
                await self._settle(row.id, reason(exc))
        return sent

    def _connect(self) -> aiosmtplib.SMTP:
        settings = self.settings
        return aiosmtplib.SMTP(hostname=settings.host, port=settings.port, timeout=settings.timeout_seconds,
                               use_tls=settings.security == "tls",
                               start_tls=settings.security == "starttls",
                               username=settings.username, password=settings.smtp_password()
                               if settings.username else None)

    async def _send(self, smtp: aiosmtplib.SMTP, row: Email) -> int:
        try:
            await smtp.send_message(compose(row, self.settings.from_addr, self.clock.now()))
        except aiosmtplib.SMTPServerDisconnected:
            raise  # the connection is gone: the rest wait too
        except aiosmtplib.SMTPException as exc:  # this message refused (recipient, size, …): it alone retries
            log.warning("email %s refused (%s)", row.id, reason(exc))
            await self._settle(row.id, reason(exc))
            return 0
        await self._settle(row.id, None)
        return 1

    async def _settle(self, row_id: int, error: str | None) -> None:
        """Record the outcome of a claimed row: sent, or back to pending with the next try pushed back."""
        now = self.clock.now()
        async with self.db.session() as session:
            row = await session.get(Email, row_id)
            if row is None or row.status != "sending":
                return  # already settled (sent earlier in this batch) or taken back by another sender
            if error is None:
                row.status, row.sent_at, row.error = "sent", now, None
                return
            row.error = error[:200]
            if row.attempts >= GIVE_UP_AFTER:
                row.status = "failed"
                log.error("email %s failed %d times; given up", row.id, row.attempts)
                return
            row.status, row.not_before = "pending", now + backoff(row.attempts, self.settings.retry_max_minutes)
