"""Joining: the questions a person answers after redeeming an invite — consent, language, day and time, one
at a time (the order and what each accepts are ``bot.core.joining``'s rules). Finishing starts their
check-ins and tells their link worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core import buttons
from bot.core import joining as rules
from bot.delivery.outbox import grid
from bot.store.models import AuditEvent, Consent, Person
from bot.usecases.enrolment import person_for_user
from bot.usecases.programme import replan
from bot.usecases.work import Tap, Work

Result = Literal["declined", "advanced", "finished"]


def time_choices(settings: Settings) -> list[str]:
    """The check-in times offered while joining, as ``HH:MM``."""
    return [t.strftime("%H:%M") for t in settings.checkins.time_choices]


async def record_consent(session: AsyncSession, person: Person, given: bool, version: str, now: datetime) -> None:
    """Store a consent decision with the version of the text shown; Agree moves joining on."""
    session.add(Consent(person_id=person.id, version=version, given=given, recorded_at=now))
    if given:
        person.onboarding = rules.following("consent")


def ask(work: Work, chat_id: int, person: Person) -> None:
    """Queue the question for the joining step the person is on (nothing once they have joined)."""
    step, loc = person.onboarding, person.locale
    if step == "consent":
        options = [(work.text(loc, "onboarding.consent.agree"), "yes"),
                   (work.text(loc, "onboarding.consent.not_now"), "no")]
        per_row = 2
    elif step == "language":
        options = [(work.text(loc, f"common.language_names.{code}"), code) for code in rules.LANGUAGES]
        per_row = 2
    elif step == "day":
        options = [(work.text(loc, f"common.days.{d}"), d) for d in rules.WEEKDAYS]
        per_row = 3
    elif step == "time":
        options = [(t, t) for t in time_choices(work.services.settings)]
        per_row = 3
    else:
        return
    keyboard = grid([(label, buttons.onboarding(step, value)) for label, value in options], per_row)
    work.send(chat_id, work.text(loc, f"onboarding.{step}.ask"), keyboard)


async def answer(work: Work, user_id: int, chat_id: int, message_id: int | None, shown: str,
                 step: str, value: str) -> Tap:
    """A tap on a joining button (``ob:<step>:<value>``): record it if it answers the step the person is on,
    show the choice on the tapped message, then ask the next question (or finish)."""
    person = await person_for_user(work.session, user_id)
    if person is None:
        return Tap(work.text("en", "common.unknown_button"))
    if person.status == "stopped":  # they stopped while joining: an old button does not carry on
        work.unbutton(chat_id, message_id)
        return Tap(work.text(person.locale, "controls.stopped_hint"), alert=True)
    if person.onboarding != step:
        work.unbutton(chat_id, message_id)
        return Tap(work.text(person.locale, "ui.already_answered"))
    if not rules.accepts(step, value, time_choices(work.services.settings)):
        return Tap(work.text("en", "common.unknown_button"))
    result = await _apply(work, person, step, value)
    if message_id is not None:
        work.edit(chat_id, message_id, f"{shown}\n\n{_chosen(work, person, step, value)}")
    if result == "declined":
        work.send(chat_id, work.text(person.locale, "onboarding.consent.declined"))
    elif result == "advanced":
        ask(work, chat_id, person)
    else:
        _finished(work, chat_id, person)
    return Tap()


async def _apply(work: Work, person: Person, step: str, value: str) -> Result:
    """Change the person as the (valid, current) answer says."""
    if step == "consent":
        consent = value == "yes"
        await record_consent(work.session, person, consent, work.services.settings.enrolment.consent_version,
                             work.now)
        return "advanced" if consent else "declined"
    if step == "language":
        person.locale = value
    elif step == "day":
        person.checkin_day = int(value)
    elif step == "time":
        person.checkin_time = value
        person.onboarding = None
        person.status = "active"
        person.joined_at = work.now
        work.session.add(AuditEvent(at=work.now, actor=f"person:{person.id}", action="joined",
                                    worker_id=person.worker_id, person_id=person.id))
        await work.session.flush()
        await replan(work.session, person, work.now, work.services.programme)
        return "finished"
    person.onboarding = rules.following(step)
    return "advanced"


def _chosen(work: Work, person: Person, step: str, value: str) -> str:
    """What the tapped question shows once answered (in the person's language, as it now is)."""
    loc = person.locale
    if step == "consent":
        return work.text(loc, "onboarding.consent.given" if value == "yes" else "onboarding.consent.not_now")
    if step == "language":
        return work.text(loc, "onboarding.language.chosen", language=work.text(loc, f"common.language_names.{value}"))
    if step == "day":
        return work.text(loc, "onboarding.day.chosen", day=work.text(loc, f"common.days.{value}"))
    return work.text(loc, "onboarding.time.chosen", time=value)


def _finished(work: Work, chat_id: int, person: Person) -> None:
    """Tell the person when check-ins come, and their link worker that they have joined."""
    day = work.text(person.locale, f"common.days.{person.checkin_day}")
    work.send(chat_id, work.text(person.locale, "onboarding.finish.done", day=day, time=person.checkin_time))
    worker_chat = person.worker.telegram_user_id
    if worker_chat is not None:
        work.send(worker_chat, work.text("en", "onboarding.finish.worker_told", name=person.display_name,
                                         day=work.text("en", f"common.days.{person.checkin_day}"),
                                         time=person.checkin_time))
