"""The person's own controls: /time, /pause, /resume, /language, /stop (or typing STOP), and their taps.

Buttons carry ``ct:<kind>:<nonce>:<value>`` (``ct:time:<nonce>:<d|t|f>:<value>`` for /time), always
well under Telegram's 64 bytes. Only a member who has finished joining can use them; anyone else gets
the usual kind reply and nothing is stored.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, Update

from bot.store.models import Person
from bot.telegram import edits, keyboards
from bot.telegram.context import BotContext
from bot.telegram.handlers.fallback import reply_to_text
from bot.telegram.send import send_html
from bot.usecases import controls, joining

CONTROLS = "ct"
STOP_WORD = re.compile(r"^\W*(stop|stopio)\W*$", re.IGNORECASE)  # English, and the Welsh "stopio"
LANGUAGES = ("en", "cy")
PAUSE_LABELS = {"1w": "one_week", "2w": "two_weeks", "1m": "one_month", "open": "open", "no": "never_mind"}


def control_data(kind: str, nonce: str, value: str) -> str:
    """Callback data for a control's button, e.g. ``ct:pause:1a2b3c4d:2w``."""
    return f"{CONTROLS}:{kind}:{nonce}:{value}"


def local_date(context: BotContext, locale: str, moment: datetime, zone: str) -> str:
    """A date in the person's language and time zone, e.g. "Monday 16 March" (Welsh: "ddydd Llun 16 Mawrth")."""
    s, local = context.services, moment.astimezone(ZoneInfo(zone))
    return s.text(locale, "controls.date", day_on=s.text(locale, f"controls.day_on.{local.weekday()}"),
                  number=local.day, month=s.text(locale, f"controls.months.{local.month}"))


def local_when(context: BotContext, locale: str, moment: datetime, zone: str) -> str:
    """A day and time in the person's language and time zone, e.g. "Monday 16 March at 10:00"."""
    return context.services.text(locale, "controls.when", date=local_date(context, locale, moment, zone),
                                 time=moment.astimezone(ZoneInfo(zone)).strftime("%H:%M"))


async def _member_asks(update: Update, context: BotContext, kind: controls.Kind) -> controls.Asked | None:
    """Start ``kind`` for a member who has finished joining; anyone else gets a kind reply."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return None
    asked = await controls.ask(context.services.db, user.id, kind)
    if asked.who == "member":
        return asked
    await _not_member(update, context, asked)
    return None


async def _not_member(update: Update, context: BotContext, asked: controls.Asked) -> None:
    message = update.effective_message
    if asked.who == "joining" and asked.person is not None and message is not None:
        await message.reply_html(context.services.text(asked.person.locale, "controls.joining"))
    else:
        await reply_to_text(update, context)


async def ask_time(update: Update, context: BotContext) -> None:
    """Handle /time: ask for the day, then the time, then how often."""
    s, chat = context.services, update.effective_chat
    asked = await _member_asks(update, context, "time")
    if asked is None or asked.person is None or chat is None:
        return
    loc = asked.person.locale
    days = [(s.text(loc, f"common.days.{d}"), control_data("time", asked.nonce, f"d:{d}")) for d in range(7)]
    await send_html(context.bot, chat.id, s.text(loc, "controls.time.ask_day"), keyboards.grid(days, 3))


async def ask_pause(update: Update, context: BotContext) -> None:
    """Handle /pause: offer 1 week, 2 weeks, 1 month, until I say, or never mind."""
    s, chat = context.services, update.effective_chat
    asked = await _member_asks(update, context, "pause")
    if asked is None or asked.person is None or chat is None:
        return
    person, loc = asked.person, asked.person.locale
    if person.status == "stopped":
        await send_html(context.bot, chat.id, s.text(loc, "controls.stopped_hint"))
        return
    options = [(s.text(loc, f"controls.pause.{label}"), control_data("pause", asked.nonce, value))
               for value, label in PAUSE_LABELS.items()]
    await send_html(context.bot, chat.id, s.text(loc, "controls.pause.ask"), keyboards.grid(options, 2))


async def resume(update: Update, context: BotContext) -> None:
    """Handle /resume: a paused person's check-ins start again at once."""
    s, user, chat = context.services, update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    done = await controls.resume(s.db, s.programme, user.id, s.clock.now())
    person = done.person
    if done.result == "unknown" or person is None:
        await _not_member(update, context, controls.Asked("joining" if person else "stranger", person))
        return
    loc = person.locale
    if done.result != "done":
        key = "controls.stopped_hint" if person.status == "stopped" else "controls.resume.not_paused"
        await send_html(context.bot, chat.id, s.text(loc, key))
        return
    if done.next_due is None:
        await send_html(context.bot, chat.id, s.text(loc, "controls.resume.done_no_next"))
    else:
        when = local_when(context, loc, done.next_due, person.timezone)
        await send_html(context.bot, chat.id, s.text(loc, "controls.resume.done", when=when))
    if done.worker_chat is not None:
        await send_html(context.bot, done.worker_chat, s.text("en", "controls.resume.worker",
                                                              name=person.display_name))


async def ask_language(update: Update, context: BotContext) -> None:
    """Handle /language: English or Cymraeg."""
    s, chat = context.services, update.effective_chat
    asked = await _member_asks(update, context, "language")
    if asked is None or asked.person is None or chat is None:
        return
    loc = asked.person.locale
    options = [(s.text(loc, f"common.language_names.{code}"), control_data("language", asked.nonce, code))
               for code in LANGUAGES]
    await send_html(context.bot, chat.id, s.text(loc, "controls.language.ask"), keyboards.grid(options, 2))


async def ask_stop(update: Update, context: BotContext) -> None:
    """Handle /stop or the bare word STOP: ask to confirm before stopping everything."""
    s, chat = context.services, update.effective_chat
    asked = await _member_asks(update, context, "stop")
    if asked is None or asked.person is None or chat is None:
        return
    loc = asked.person.locale
    if asked.person.status == "stopped":
        await send_html(context.bot, chat.id, s.text(loc, "controls.stopped_hint"))
        return
    options = [(s.text(loc, f"controls.stop.{value}"), control_data("stop", asked.nonce, value))
               for value in ("yes", "no")]
    await send_html(context.bot, chat.id, s.text(loc, "controls.stop.ask"), keyboards.grid(options, 2))


async def choose(update: Update, context: BotContext) -> None:
    """Handle a tap on a control's button (``ct:<kind>:<nonce>:<value>``)."""
    s, query = context.services, update.callback_query
    if query is None or query.from_user is None or update.effective_chat is None:
        return
    parts = keyboards.parse(query.data, 4)
    if len(parts) != 4 or parts[1] not in controls.KINDS:
        await query.answer(s.text("en", "common.unknown_button"))
        return
    _, kind, nonce, value = parts
    now, user_id = s.clock.now(), query.from_user.id
    if kind == "time":
        stage, _, choice = value.partition(":")
        choices = joining.time_choices(s.settings)
        done = await controls.choose_time(s.db, s.programme, choices, user_id, nonce, stage, choice, now)
    elif kind == "pause":
        done = await controls.choose_pause(s.db, s.programme, user_id, nonce, value, now)
    elif kind == "language":
        done = await controls.choose_language(s.db, list(LANGUAGES), user_id, nonce, value)
    else:
        done = await controls.choose_stop(s.db, s.programme, user_id, nonce, value, now)
    person = done.person
    if done.result in ("unknown", "invalid") or person is None:
        await query.answer(s.text("en", "common.unknown_button"))
        return
    if done.result == "stale":
        await edits.changes_nothing(query, s.text(person.locale, "ui.already_answered"))
        return
    await query.answer()
    if kind == "time":
        await _time_chosen(query, context, person, done, value)
    elif kind == "pause":
        await _pause_chosen(query, context, person, done, value)
    elif kind == "language":
        await _language_chosen(query, context, person, value)
    else:
        await _stop_chosen(query, context, person, done, value)


async def _close(query: CallbackQuery, line: str) -> None:
    await edits.close_with(query, f"{edits.shown_html(query)}\n\n{line}")


def _schedule(context: BotContext, person: Person) -> str:
    s, loc, day = context.services, person.locale, person.checkin_day
    return s.text(loc, f"controls.schedule.{person.frequency}", day=s.text(loc, f"controls.day.{day}"),
                  day_on=s.text(loc, f"controls.day_on.{day}"), time=person.checkin_time)


async def _time_chosen(query: CallbackQuery, context: BotContext, person: Person, done: controls.Changed,
                       value: str) -> None:
    s, loc, chat_id = context.services, person.locale, person.chat_id or query.from_user.id
    stage, _, choice = value.partition(":")
    nonce = keyboards.parse(query.data, 4)[2]
    if stage == "d":
        await _close(query, s.text(loc, "controls.time.day_chosen", day=s.text(loc, f"common.days.{choice}")))
        times = [(t, control_data("time", nonce, f"t:{t}")) for t in joining.time_choices(s.settings)]
        await send_html(context.bot, chat_id, s.text(loc, "controls.time.ask_time"), keyboards.grid(times, 3))
    elif stage == "t":
        await _close(query, s.text(loc, "controls.time.time_chosen", time=choice))
        options = [(s.text(loc, f"controls.time.{f}"), control_data("time", nonce, f"f:{f}"))
                   for f in controls.FREQUENCIES]
        await send_html(context.bot, chat_id, s.text(loc, "controls.time.ask_frequency"),
                        keyboards.grid(options, 2))
    else:
        frequency = s.text(loc, f"controls.time.{choice}")
        await _close(query, s.text(loc, "controls.time.frequency_chosen", frequency=frequency))
        lines = [s.text(loc, "controls.time.done", schedule=_schedule(context, person))]
        if person.status == "paused":
            lines.append(s.text(loc, "controls.time.paused_note"))
        elif done.next_due is not None:
            lines.append(s.text(loc, "controls.time.next",
                                when=local_when(context, loc, done.next_due, person.timezone)))
        await send_html(context.bot, chat_id, "\n\n".join(lines))


async def _pause_chosen(query: CallbackQuery, context: BotContext, person: Person, done: controls.Changed,
                        value: str) -> None:
    s, loc, chat_id = context.services, person.locale, person.chat_id or query.from_user.id
    await _close(query, s.text(loc, "controls.pause.chosen",
                               choice=s.text(loc, f"controls.pause.{PAUSE_LABELS[value]}")))
    if done.result == "cancelled":
        await send_html(context.bot, chat_id, s.text(loc, "controls.pause.cancelled"))
        return
    if done.result == "not_running":
        key = "controls.stopped_hint" if person.status == "stopped" else "controls.pause.not_running"
        await send_html(context.bot, chat_id, s.text(loc, key))
        return
    until = person.paused_until
    if until is None:
        await send_html(context.bot, chat_id, s.text(loc, "controls.pause.until_resume"))
        worker_line = s.text("en", "controls.pause.worker_open", name=person.display_name)
    else:
        if done.next_due is None:
            text = s.text(loc, "controls.pause.until_date", date=local_date(context, loc, until, person.timezone))
        else:
            text = s.text(loc, "controls.pause.until", when=local_when(context, loc, done.next_due, person.timezone))
        await send_html(context.bot, chat_id, text)
        worker_line = s.text("en", "controls.pause.worker_until", name=person.display_name,
                             date=local_date(context, "en", until, person.timezone))
    if done.worker_chat is not None:
        await send_html(context.bot, done.worker_chat, worker_line)


async def _language_chosen(query: CallbackQuery, context: BotContext, person: Person, value: str) -> None:
    s, loc, chat_id = context.services, person.locale, person.chat_id or query.from_user.id
    await _close(query, s.text(loc, "controls.language.chosen", language=s.text(loc, f"common.language_names.{value}")))
    await send_html(context.bot, chat_id, s.text(loc, "controls.language.done"))


async def _stop_chosen(query: CallbackQuery, context: BotContext, person: Person, done: controls.Changed,
                       value: str) -> None:
    s, loc, chat_id = context.services, person.locale, person.chat_id or query.from_user.id
    await _close(query, s.text(loc, "controls.stop.chosen", choice=s.text(loc, f"controls.stop.{value}")))
    if done.result == "cancelled":
        await send_html(context.bot, chat_id, s.text(loc, "controls.stop.kept"))
        return
    if done.result == "not_running":
        await send_html(context.bot, chat_id, s.text(loc, "controls.stopped_hint"))
        return
    await send_html(context.bot, chat_id, s.text(loc, "controls.stop.done"))
    if done.worker_chat is not None:
        await send_html(context.bot, done.worker_chat, s.text("en", "controls.stop.worker", name=person.display_name))


async def welcome_back(update: Update, context: BotContext) -> bool:
    """For /start from someone who stopped: start check-ins again and say so; False if not stopped."""
    s, user, chat = context.services, update.effective_user, update.effective_chat
    if user is None or chat is None:
        return False
    done = await controls.come_back(s.db, s.programme, user.id, s.clock.now())
    person = done.person
    if done.result != "done" or person is None:
        return False
    loc = person.locale
    if done.next_due is None:
        await send_html(context.bot, chat.id, s.text(loc, "controls.back.done_no_next", name=person.display_name))
    else:
        when = local_when(context, loc, done.next_due, person.timezone)
        await send_html(context.bot, chat.id, s.text(loc, "controls.back.done", name=person.display_name,
                                                     when=when))
    if done.worker_chat is not None:
        await send_html(context.bot, done.worker_chat, s.text("en", "controls.back.worker", name=person.display_name))
    return True
