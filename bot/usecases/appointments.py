"""Sessions with the link worker: booking, the reminder the day before, the person's reply, missed/attended.

``remind_appointments`` is called from the dispatch tick; each reminder is claimed with a conditional
UPDATE before it is sent, so a restart or a second instance cannot send it twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import Forbidden, NetworkError

from bot.core.programme import Rules
from bot.core.schedule import parse_hhmm
from bot.core.when import reminder_due
from bot.services import Services
from bot.store.db import Database
from bot.store.models import Appointment, Person, Worker
from bot.telegram import keyboards
from bot.telegram.send import send_html
from bot.usecases import programme
from bot.usecases.caseload import audit, audit_worker
from bot.usecases.escalations import raise_escalation

log = logging.getLogger("bot.usecases.appointments")

CALLBACK = "ap"
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


def reply_data(appointment_id: int, choice: Literal["y", "n"]) -> str:
    """Callback data for the reminder's buttons: ``ap:<appointment>:y`` (can make it) or ``:n`` (change)."""
    return f"{CALLBACK}:{appointment_id}:{choice}"


async def book(session: AsyncSession, worker: Worker | None, person: Person, at: datetime, place: str | None,
               now: datetime, rules: Rules) -> tuple[Appointment, Appointment | None]:
    """Record the person's next session; an upcoming one it replaces is cancelled. Returns (new, replaced)."""
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


async def book_by_id(db: Database, person_id: int, at: datetime, place: str | None, now: datetime,
                     rules: Rules) -> tuple[Person, Appointment, datetime | None]:
    """Book a session for a person named by id on the command line: (person, session, reminder time)."""
    async with db.session() as session:
        person = await session.get(Person, person_id)
        if person is None:
            raise LookupError(f"no person with id {person_id}")
        appointment, _ = await book(session, None, person, at, place, now, rules)
        return person, appointment, reminder_time(appointment, person, rules)


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


async def remind_appointments(services: Services, bot: Bot, now: datetime) -> int:
    """Send every session reminder whose time has come, once each; returns how many were sent."""
    async with services.db.session() as session:
        rows = (await session.execute(
            select(Appointment, Person).join(Person, Person.id == Appointment.person_id).where(
                Appointment.status == "booked", Appointment.reminded_at.is_(None), Appointment.at > now,
                Appointment.at <= now + REMINDER_WINDOW, Person.status.in_(REMINDED),
                Person.chat_id.is_not(None))
        )).all()
    sent = 0
    for appointment, person in rows:
        due = reminder_time(appointment, person, services.programme)
        if due is not None and due <= now and await _remind_one(services, bot, appointment, person, now):
            sent += 1
    return sent


async def _claim(services: Services, appointment_id: int, now: datetime, release: bool = False) -> bool:
    async with services.db.session() as session:
        if release:
            await session.execute(update(Appointment).where(Appointment.id == appointment_id)
                                  .values(reminded_at=None))
            return True
        claimed: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            update(Appointment).where(Appointment.id == appointment_id, Appointment.status == "booked",
                                      Appointment.reminded_at.is_(None)).values(reminded_at=now))
        return claimed.rowcount == 1


async def _remind_one(services: Services, bot: Bot, appointment: Appointment, person: Person,
                      now: datetime) -> bool:
    if not await _claim(services, appointment.id, now):
        return False
    locale = person.locale
    text = services.text(locale, "appointments.reminder", worker=person.worker.name,
                         when=describe(services, locale, appointment.at, person.timezone, appointment.place))
    markup = keyboards.grid([
        (services.text(locale, "appointments.can_make_it"), reply_data(appointment.id, "y")),
        (services.text(locale, "appointments.need_to_change"), reply_data(appointment.id, "n")),
    ], per_row=1)
    assert person.chat_id is not None
    try:
        message = await send_html(bot, person.chat_id, text, markup)
    except Forbidden:
        log.warning("appointment %s: person %s has blocked the bot; reminder not sent", appointment.id, person.id)
        return False
    except NetworkError as exc:
        from bot.usecases.dispatch import certainly_unsent  # the dispatcher imports this module

        if certainly_unsent(exc):
            await _claim(services, appointment.id, now, release=True)  # tried again next tick
        else:
            log.warning("appointment %s: reminder outcome unknown (%s); not repeated", appointment.id,
                        type(exc).__name__)
        return False
    async with services.db.session() as session:
        await session.execute(update(Appointment).where(Appointment.id == appointment.id)
                              .values(message_id=message.message_id))
        audit(session, "system", "session_reminded", now, person.worker_id, person.id)
    return True


@dataclass(frozen=True)
class Reply:
    """What a tap on a reminder did, after it was committed."""

    outcome: Literal["not_found", "confirmed", "change_requested", "already", "passed", "replaced"]
    locale: str = "en"
    appointment: Appointment | None = None
    person: Person | None = None


async def reply(services: Services, user_id: int, appointment_id: int, can_make_it: bool,
                now: datetime) -> Reply:
    """Record the person's answer to a reminder; a second or stale tap changes nothing."""
    async with services.db.session() as session:
        row = (await session.execute(
            select(Appointment, Person).join(Person, Person.id == Appointment.person_id).where(
                Appointment.id == appointment_id, Person.telegram_user_id == user_id)
            .with_for_update(of=Appointment)
        )).first()
        if row is None:
            return Reply("not_found")
        appointment, person = row
        if appointment.status == "cancelled":
            return Reply("replaced", person.locale)
        if appointment.at <= now and appointment.status == "booked":
            return Reply("passed", person.locale)
        new_status = "confirmed" if can_make_it else "change_requested"
        changed: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            update(Appointment).where(Appointment.id == appointment_id, Appointment.status == "booked")
            .values(status=new_status))
        if changed.rowcount != 1:
            return Reply("already", person.locale)
        audit(session, f"person:{person.id}", f"session_{new_status}", now, person.worker_id, person.id)
        if not can_make_it:
            await raise_escalation(session, person, "asked_contact",
                                   {"reason": "appointment change", "appointment": appointment.id}, now)
        await programme.replan(session, person, now, services.programme)
        return Reply(new_status, person.locale, appointment, person)  # type: ignore[arg-type]


async def tell_worker_of_change(services: Services, bot: Bot, person: Person, appointment: Appointment) -> bool:
    """Tell the person's worker at once that a session needs changing (False if they are not on Telegram)."""
    chat = person.worker.telegram_user_id
    if chat is None:
        return False
    zone = services.settings.service.timezone
    text = services.text("en", "appointments.worker_change", name=person.display_name, id=person.id,
                         when=describe(services, "en", appointment.at, zone, appointment.place))
    await send_html(bot, chat, text)
    return True

