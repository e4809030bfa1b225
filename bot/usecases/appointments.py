"""Sessions with the link worker: booking, the reminder the day before, the person's reply, missed/attended.

``remind_sessions`` is a sweep job: each reminder is claimed (``reminded_at`` set) in the transaction that
queues it, so a restart or a second instance cannot send it twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import buttons
from bot.core.programme import Rules
from bot.core.schedule import parse_hhmm
from bot.core.when import reminder_due
from bot.delivery.outbox import grid
from bot.services import Services
from bot.store.claims import claim_batch, claim_one
from bot.store.models import Appointment, Person, Worker
from bot.usecases import programme
from bot.usecases.caseload import audit, audit_worker
from bot.usecases.escalations import raise_escalation
from bot.usecases.work import Tap, Work

PLACE_LIMIT = 200
UPCOMING = ("booked", "confirmed", "change_requested")
MARKABLE = ("booked", "confirmed")
REMINDED = ("active", "paused", "followup")
REMINDER_WINDOW = timedelta(hours=49)


def describe(services: Services, locale: str, at: datetime, zone: str, place: str | None = None) -> str:
    """A session time written out: "Thursday 12 March at 14:00, at the library"."""
    local = at.astimezone(ZoneInfo(zone))
    when = services.text(locale, "appointments.when", day=services.text(locale, f"appointments.days.{local.weekday()}"),
                         date=local.day, month=services.text(locale, f"appointments.months.{local.month}"),
                         time=local.strftime("%H:%M"))
    return services.text(locale, "appointments.when_place", when=when, place=place) if place else when


async def book(session: AsyncSession, worker: Worker | None, person: Person, at: datetime, place: str | None,
               now: datetime, rules: Rules) -> tuple[Appointment, Appointment | None]:
    """Record the person's next session; an upcoming one it replaces is cancelled. Returns (new, replaced).

    ``worker`` is who booked it (None: the command line).
    """
    replaced = (await session.execute(
        select(Appointment).where(Appointment.person_id == person.id, Appointment.at > now,
                                  Appointment.status.in_(UPCOMING)).order_by(Appointment.at)
    )).scalars().first()
    await session.execute(
        update(Appointment).where(Appointment.person_id == person.id, Appointment.at > now,
                                  Appointment.status.in_(UPCOMING)).values(status="cancelled"))
    appointment = Appointment(person_id=person.id, at=at, place=place or None, status="booked", created_at=now)
    session.add(appointment)
    await session.flush()
    if worker is not None:
        audit_worker(session, worker, "session_booked", now, person)
    else:
        audit(session, "cli", "session_booked", now, person.worker_id, person.id)
    await programme.replan(session, person, now, rules)
    return appointment, replaced


def reminder_time(appointment: Appointment, person: Person, rules: Rules) -> datetime | None:
    """When the person is reminded about ``appointment`` (None: booked too late for one)."""
    return reminder_due(appointment.at, appointment.created_at, parse_hhmm(person.checkin_time), person.timezone,
                        (rules.quiet_start, rules.quiet_end))


async def latest_past(session: AsyncSession, person: Person, now: datetime) -> Appointment | None:
    """The person's most recent session that has started and is not yet marked."""
    return (await session.execute(
        select(Appointment).where(Appointment.person_id == person.id, Appointment.at <= now,
                                  Appointment.status.in_(MARKABLE)).order_by(Appointment.at.desc()).limit(1)
    )).scalar_one_or_none()


async def mark(session: AsyncSession, worker: Worker, person: Person, outcome: Literal["missed", "attended"],
               now: datetime, rules: Rules) -> Appointment | None:
    """Mark the latest past session missed or attended; a missed one is a disengagement signal."""
    appointment = await latest_past(session, person, now)
    if appointment is None:
        return None
    appointment.status = outcome
    audit_worker(session, worker, f"session_{outcome}", now, person)
    if outcome == "missed":
        await raise_escalation(session, person, "disengaged",
                               {"signal": "missed appointment", "appointment": appointment.id}, now)
    await programme.replan(session, person, now, rules)
    return appointment


async def remind_sessions(work: Work, limit: int) -> int:
    """Queue every session reminder whose time has come (at most ``limit``), once each; returns how many."""
    rows = (await work.session.execute(
        select(Appointment, Person).join(Person, Person.id == Appointment.person_id).where(
            Appointment.status == "booked", Appointment.reminded_at.is_(None), Appointment.at > work.now,
            Appointment.at <= work.now + REMINDER_WINDOW, Person.status.in_(REMINDED), Person.chat_id.is_not(None))
        .order_by(Appointment.at, Appointment.id)
    )).all()
    due = {appointment.id: (appointment, person) for appointment, person in rows
           if (at := reminder_time(appointment, person, work.services.programme)) is not None and at <= work.now}
    if not due:
        return 0
    won = set(await claim_batch(
        work.session, Appointment, select(Appointment.id).where(Appointment.id.in_(list(due)[:limit])),
        [Appointment.status == "booked", Appointment.reminded_at.is_(None)], {"reminded_at": work.now}))
    queued = 0
    for appointment_id, (appointment, person) in due.items():
        if appointment_id in won:
            _queue_reminder(work, appointment, person)
            queued += 1
    return queued


def _queue_reminder(work: Work, appointment: Appointment, person: Person) -> None:
    locale = person.locale
    assert person.chat_id is not None
    text = work.text(locale, "appointments.reminder", worker=person.worker.name,
                     when=describe(work.services, locale, appointment.at, person.timezone, appointment.place))
    keyboard = grid([(work.text(locale, "appointments.can_make_it"), buttons.session_reply(appointment.id, "y")),
                     (work.text(locale, "appointments.need_to_change"), buttons.session_reply(appointment.id, "n"))],
                    per_row=1)
    work.send(person.chat_id, text, keyboard, appointment_id=appointment.id)
    audit(work.session, "system", "session_reminded", work.now, person.worker_id, person.id)


async def answer_reminder(work: Work, user_id: int, chat_id: int, message_id: int | None, shown: str,
                          appointment_id: int, can_make_it: bool) -> Tap:
    """"I can make it" / "I need to change it" on a reminder; a second, stale or stranger's tap changes nothing.

    The tapped message (``shown`` is its text) gets the answer added and loses its buttons; a change reaches
    the person's worker at once and opens an "asked for contact" escalation.
    """
    row = (await work.session.execute(
        select(Appointment, Person).join(Person, Person.id == Appointment.person_id).where(
            Appointment.id == appointment_id, Person.telegram_user_id == user_id)
    )).first()
    if row is None:
        work.unbutton(chat_id, message_id)
        return Tap(work.text("en", "common.unknown_button"))
    appointment, person = row
    locale = person.locale
    stale = "replaced" if appointment.status == "cancelled" else (
        "passed" if appointment.at <= work.now and appointment.status == "booked" else None)
    new_status = "confirmed" if can_make_it else "change_requested"
    if stale is None and not await claim_one(work.session, Appointment, [
            Appointment.id == appointment_id, Appointment.status == "booked"], {"status": new_status}):
        stale = "already"
    if stale is not None:
        work.unbutton(chat_id, message_id)
        return Tap(work.text(locale, f"appointments.{stale}"))
    audit(work.session, f"person:{person.id}", f"session_{new_status}", work.now, person.worker_id, person.id)
    if can_make_it:
        ack = work.text(locale, "appointments.confirmed")
    else:
        await raise_escalation(work.session, person, "asked_contact",
                               {"reason": "appointment change", "appointment": appointment.id}, work.now)
        ack = work.text(locale, "appointments.change_noted", worker=person.worker.name)
    await programme.replan(work.session, person, work.now, work.services.programme)
    if message_id is not None:
        work.edit(chat_id, message_id, f"{shown}\n\n{ack}")
    if not can_make_it:
        _tell_worker_of_change(work, person, appointment)
    return Tap()


def _tell_worker_of_change(work: Work, person: Person, appointment: Appointment) -> None:
    """Tell the person's worker at once that a session needs changing (nothing if they are not on Telegram)."""
    chat = person.worker.telegram_user_id
    if chat is None:
        return
    zone = work.services.settings.service.timezone
    work.send(chat, work.text("en", "appointments.worker_change", name=person.display_name, id=person.id,
                              when=describe(work.services, "en", appointment.at, zone, appointment.place)))
