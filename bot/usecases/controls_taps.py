"""Taps on the person's own controls' buttons (``ct:<kind>:<nonce>:<value>``, see ``bot.core.buttons``).

A tap that counts shows the choice under the tapped question (its buttons go) and queues what follows:
the next /time question, or the confirmation, and for a pause a notice to the person's worker. A tap on an
older prompt, or a second tap, changes nothing but the buttons, which go. Taps on a stop question are
``bot.usecases.controls_stop``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import buttons
from bot.delivery.outbox import Keyboard, grid
from bot.store.models import Person
from bot.usecases import controls_state as state
from bot.usecases import controls_stop
from bot.usecases.joining import time_choices
from bot.usecases.wording import local_date, local_when
from bot.usecases.work import Tap, Work


@dataclass(frozen=True)
class _Tapped:
    """The tapped message and where the answers go."""

    work: Work
    chat_id: int
    message_id: int | None
    shown: str
    person: Person
    reply_to: int
    nonce: str

    def close(self, line: str) -> None:
        """Show ``line`` under the tapped question and take its buttons away."""
        if self.message_id is not None:
            self.work.edit(self.chat_id, self.message_id, f"{self.shown}\n\n{line}")

    def say(self, text: str, keyboard: Keyboard | None = None) -> None:
        """Queue a message to the person."""
        self.work.send(self.reply_to, text, keyboard)


async def choose(work: Work, user_id: int, chat_id: int, message_id: int | None, shown: str, kind: str,
                 nonce: str, value: str) -> Tap:
    """A tap on a control's button; ``shown`` is the tapped message's text as HTML.

    ``kind``, ``nonce`` and ``value`` are the button's fields (all empty for data that is not a control's).
    """
    unknown = Tap(work.text("en", "common.unknown_button"))
    if kind == "time":
        stage, _, choice = value.partition(":")
        done = await state.choose_time(work, time_choices(work.services.settings), user_id, nonce, stage, choice)
    elif kind == "pause":
        done = await state.choose_pause(work, user_id, nonce, value)
    elif kind == "language":
        done = await state.choose_language(work, state.LANGUAGES, user_id, nonce, value)
    elif kind == "stop":
        return await controls_stop.choose(work, user_id, chat_id, message_id, shown, nonce, value)
    else:
        return unknown
    person = done.person
    if done.result in ("unknown", "invalid") or person is None:
        return unknown
    if done.result == "stale":
        work.unbutton(chat_id, message_id)
        return Tap(work.text(person.locale, "ui.already_answered"))
    tapped = _Tapped(work, chat_id, message_id, shown, person, person.chat_id or user_id, nonce)
    if kind == "time":
        _time_chosen(tapped, done, value)
    elif kind == "pause":
        _pause_chosen(tapped, done, value)
    else:
        _language_chosen(tapped, value)
    return Tap()


def _schedule(work: Work, person: Person) -> str:
    loc, day = person.locale, person.checkin_day
    return work.text(loc, f"controls.schedule.{person.frequency}", day=work.text(loc, f"controls.day.{day}"),
                     day_on=work.text(loc, f"controls.day_on.{day}"), time=person.checkin_time)


def _time_chosen(tapped: _Tapped, done: state.Changed, value: str) -> None:
    work, person = tapped.work, tapped.person
    loc = person.locale
    stage, _, choice = value.partition(":")
    if stage == "d":
        tapped.close(work.text(loc, "controls.time.day_chosen", day=work.text(loc, f"common.days.{choice}")))
        times = [(t, buttons.control("time", tapped.nonce, f"t:{t}")) for t in time_choices(work.services.settings)]
        tapped.say(work.text(loc, "controls.time.ask_time"), grid(times, 3))
    elif stage == "t":
        tapped.close(work.text(loc, "controls.time.time_chosen", time=choice))
        options = [(work.text(loc, f"controls.time.{f}"), buttons.control("time", tapped.nonce, f"f:{f}"))
                   for f in state.FREQUENCIES]
        tapped.say(work.text(loc, "controls.time.ask_frequency"), grid(options, 2))
    else:
        frequency = work.text(loc, f"controls.time.{choice}")
        tapped.close(work.text(loc, "controls.time.frequency_chosen", frequency=frequency))
        lines = [work.text(loc, "controls.time.done", schedule=_schedule(work, person))]
        if person.status == "paused":
            lines.append(work.text(loc, "controls.time.paused_note"))
        elif done.next_due is not None:
            lines.append(work.text(loc, "controls.time.next",
                                   when=local_when(work, loc, done.next_due, person.timezone)))
        tapped.say("\n\n".join(lines))


def _pause_chosen(tapped: _Tapped, done: state.Changed, value: str) -> None:
    work, person = tapped.work, tapped.person
    loc = person.locale
    tapped.close(work.text(loc, "controls.pause.chosen",
                           choice=work.text(loc, f"controls.pause.{state.PAUSE_LABELS[value]}")))
    if done.result == "cancelled":
        tapped.say(work.text(loc, "controls.pause.cancelled"))
        return
    if done.result == "not_running":
        tapped.say(work.text(loc, "controls.stopped_hint" if person.status == "stopped"
                             else "controls.pause.not_running"))
        return
    until = person.paused_until
    if until is None:
        tapped.say(work.text(loc, "controls.pause.until_resume"))
        worker_line = work.text("en", "controls.pause.worker_open", name=person.display_name)
    else:
        if done.next_due is None:
            text = work.text(loc, "controls.pause.until_date", date=local_date(work, loc, until, person.timezone))
        else:
            text = work.text(loc, "controls.pause.until", when=local_when(work, loc, done.next_due, person.timezone))
        tapped.say(text)
        worker_line = work.text("en", "controls.pause.worker_until", name=person.display_name,
                                date=local_date(work, "en", until, person.timezone))
    if done.worker_chat is not None:
        work.send(done.worker_chat, worker_line)


def _language_chosen(tapped: _Tapped, value: str) -> None:
    work, loc = tapped.work, tapped.person.locale
    tapped.close(work.text(loc, "controls.language.chosen", language=work.text(loc, f"common.language_names.{value}")))
    tapped.say(work.text(loc, "controls.language.done"))
