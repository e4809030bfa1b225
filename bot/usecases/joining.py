"""Applying a joining answer (consent, language, day, time) to a person, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.config import Settings
from bot.core import onboarding
from bot.store.db import Database
from bot.store.models import AuditEvent, Person
from bot.usecases.enrolment import person_for_user, record_consent
from bot.usecases.programme import replan, rules_from

Result = Literal["unknown_person", "stale", "invalid", "declined", "advanced", "finished"]


@dataclass(frozen=True)
class Applied:
    """What a joining tap did; ``person`` is a detached snapshot taken after the commit."""

    result: Result
    person: Person | None = None
    worker_chat: int | None = None
    worker_name: str = ""


def time_choices(settings: Settings) -> list[str]:
    """The check-in times offered while joining, as ``HH:MM``."""
    return [t.strftime("%H:%M") for t in settings.checkins.time_choices]


async def apply_answer(
    db: Database, settings: Settings, user_id: int, step: str, value: str, now: datetime
) -> Applied:
    """Record one joining answer if it belongs to the step the person is on."""
    async with db.session() as session:
        person = await person_for_user(session, user_id)
        if person is None:
            return Applied("unknown_person")
        if person.onboarding != step:
            return Applied("stale", person)
        if not onboarding.accepts(step, value, time_choices(settings)):
            return Applied("invalid", person)
        result: Result = "advanced"
        if step == "consent":
            await record_consent(session, person, value == "yes", settings.enrolment.consent_version, now)
            result = "advanced" if value == "yes" else "declined"
        elif step == "language":
            person.locale = value
            person.onboarding = onboarding.following(step)
        elif step == "day":
            person.checkin_day = int(value)
            person.onboarding = onboarding.following(step)
        elif step == "time":
            person.checkin_time = value
            person.onboarding = None
            person.status = "active"
            person.joined_at = now
            session.add(AuditEvent(at=now, actor=f"person:{person.id}", action="joined",
                                   worker_id=person.worker_id, person_id=person.id))
            await session.flush()
            await replan(session, person, now, rules_from(settings))
            result = "finished"
        worker = person.worker
        return Applied(result, person, worker.telegram_user_id, worker.name)
