"""A worker's session commands (/session, /missed, /attended) and booking from the command line.

Both edges book through ``book_for``: the place limit, the replaced session and the reminder time are
decided once, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.when import WhenError, split_when
from bot.store.models import Appointment, Person, Worker
from bot.usecases import appointments
from bot.usecases.appointments import PLACE_LIMIT, describe
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import lookup

Outcome = Literal["missed", "attended"]


class PlaceTooLong(ValueError):
    """A session place longer than ``PLACE_LIMIT`` characters."""


@dataclass(frozen=True)
class Booked:
    """A session just booked: for whom, the session, the one it replaced, and when they are reminded."""

    person: Person
    appointment: Appointment
    replaced: Appointment | None
    reminder_at: datetime | None


async def book_for(work: Work, worker: Worker | None, person: Person, at: datetime, place: str | None) -> Booked:
    """Book ``person``'s next session (``worker`` booked it; None: the command line)."""
    place = (place or "").strip() or None
    if place is not None and len(place) > PLACE_LIMIT:
        raise PlaceTooLong(place)
    rules = work.services.programme
    booked, replaced = await appointments.book(work.session, worker, person, at, place, work.now, rules)
    return Booked(person, booked, replaced, appointments.reminder_time(booked, person, rules))


async def book_by_id(work: Work, person_id: int, at: datetime, place: str | None) -> Booked:
    """Book a session for a person named by id on the command line; raises LookupError if there is none."""
    person = await work.session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person with id {person_id}")
    return await book_for(work, None, person, at, place)


async def book_session(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/session <person> <when> [where]: record the person's next session; the reply writes the date out."""
    work.send(chat_id, await _book_reply(work, user_id, words))


async def _book_reply(work: Work, user_id: int, words: Sequence[str]) -> str:
    named = await lookup(work, user_id, words, "session", "appointments.usage")
    if isinstance(named, str):
        return named
    if not named.rest:
        return work.text(EN, "appointments.usage")
    zone = work.services.settings.service.timezone
    try:
        when = split_when(" ".join(named.rest), work.now, zone)
        booked = await book_for(work, named.worker, named.person, when.at, when.rest)
    except WhenError as exc:
        return work.text(EN, f"appointments.{exc.reason}")
    except PlaceTooLong:
        return work.text(EN, "appointments.place_too_long", limit=PLACE_LIMIT)
    key = "booked" if booked.reminder_at else "booked_no_reminder"
    reply = work.text(EN, f"appointments.{key}", name=named.person.display_name,
                      when=describe(work.services, EN, booked.appointment.at, zone, booked.appointment.place))
    if booked.replaced is not None:
        reply += "\n" + work.text(EN, "appointments.replaces",
                                  when=describe(work.services, EN, booked.replaced.at, zone))
    return reply


async def mark_session(work: Work, user_id: int, chat_id: int, words: Sequence[str], outcome: Outcome) -> None:
    """/missed or /attended <person>: mark their latest past session (a missed one is a disengagement signal)."""
    work.send(chat_id, await _mark_reply(work, user_id, words, outcome))


async def _mark_reply(work: Work, user_id: int, words: Sequence[str], outcome: Outcome) -> str:
    named = await lookup(work, user_id, words, outcome, f"appointments.{outcome}_usage")
    if isinstance(named, str):
        return named
    marked = await appointments.mark(work.session, named.worker, named.person, outcome, work.now,
                                     work.services.programme)
    if marked is None:
        return work.text(EN, "appointments.nothing_to_mark", name=named.person.display_name)
    when = describe(work.services, EN, marked.at, work.services.settings.service.timezone)
    return work.text(EN, f"appointments.{outcome}", name=named.person.display_name, when=when)
