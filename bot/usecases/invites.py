"""Inviting a person: a single-use deep link (and its QR code) that a worker hands over.

``/invite`` and ``checkin-bot invite`` both create invites with ``create``: the name is trimmed to 200
characters, the person starts with the service's default time zone, check-in day and time, and the link
lasts ``invite_ttl_days``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.qr import qr_png
from bot.store.models import Person
from bot.usecases import access, enrolment
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
    settings = work.services.settings
    person, token = await enrolment.create_invite_in(
        work.session, worker_id, display_name.strip()[:NAME_LIMIT], work.now, settings.enrolment.invite_ttl_days,
        settings.service.timezone, work.services.default_day, settings.checkins.default_time.strftime("%H:%M"))
    return Invited(person, token)


async def invite(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/invite <name>: create an invite and send the worker its link, then its QR code to show."""
    worker = await access.worker(work, user_id, "invite")
    if isinstance(worker, str):
        work.send(chat_id, worker)
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
