"""Inviting a person: a single-use deep link (and its QR code) that a worker hands over.

``/invite`` and ``checkin-bot invite`` both create invites with ``create``: the person starts with the
service's default time zone, check-in day and time, and the link lasts ``invite_ttl_days``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.core.tokens import hash_token
from bot.qr import qr_png
from bot.store.models import AuditEvent, Invite, Person, Worker
from bot.usecases import enrolment
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN

NAME_LIMIT = 200


@dataclass(frozen=True)
class Invited:
    """A new invite: the invited person and the token their link carries (shown once, stored hashed)."""

    person: Person
    token: str


async def create(work: Work, worker_id: int, display_name: str) -> Invited:
    """Create an invited person and a single-use invite for them; raises LookupError for an unknown worker."""
    worker = await work.session.get(Worker, worker_id)
    if worker is None or not worker.active:
        raise LookupError(f"no active worker with id {worker_id}")
    settings, token = work.services.settings, enrolment.new_token()
    person = Person(worker_id=worker_id, display_name=display_name.strip()[:NAME_LIMIT], status="invited",
                    timezone=settings.service.timezone, checkin_day=work.services.default_day,
                    checkin_time=settings.checkins.default_time.strftime("%H:%M"), created_at=work.now)
    work.session.add(person)
    await work.session.flush()
    work.session.add(Invite(person_id=person.id, token_hash=hash_token(token), created_at=work.now,
                            expires_at=work.now + timedelta(days=settings.enrolment.invite_ttl_days)))
    work.session.add(AuditEvent(at=work.now, actor=f"worker:{worker_id}", action="invite_created",
                                worker_id=worker_id, person_id=person.id))
    return Invited(person, token)


async def invite(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/invite <name>: create an invite and send the worker its link, then its QR code to show."""
    worker = await enrolment.worker_for_user(work.session, user_id)
    if worker is None:
        work.send(chat_id, work.text(EN, "worker.not_a_worker"))
        return
    name = " ".join(words).strip()[:NAME_LIMIT]
    if not name:
        work.send(chat_id, work.text(EN, "worker.invite_usage"))
        return
    invited = await create(work, worker.id, name)
    link = enrolment.deep_link(work.services.bot_username, invited.token)
    work.send(chat_id, work.text(EN, "worker.invite_created", person=name, link=link,
                                 days=work.services.settings.enrolment.invite_ttl_days))
    work.send(chat_id, work.text(EN, "worker.invite_qr_caption", person=name), photo=qr_png(link))
