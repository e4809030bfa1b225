"""Joining taps: consent, language, day and time, one question at a time."""

from __future__ import annotations

from telegram import Update

from bot.store.models import Person
from bot.telegram import edits, keyboards
from bot.telegram.context import BotContext
from bot.telegram.send import send_html
from bot.usecases import joining


async def ask_step(context: BotContext, chat_id: int, person: Person) -> None:
    """Send the question for the joining step the person is on."""
    s = context.services
    step, loc = person.onboarding, person.locale
    if step == "consent":
        options = [(s.text(loc, "onboarding.consent.agree"), "yes"), (s.text(loc, "onboarding.consent.not_now"), "no")]
        per_row = 2
    elif step == "language":
        options = [(s.text(loc, f"common.language_names.{code}"), code) for code in ("en", "cy")]
        per_row = 2
    elif step == "day":
        options = [(s.text(loc, f"common.days.{d}"), str(d)) for d in range(7)]
        per_row = 3
    elif step == "time":
        options = [(t, t) for t in joining.time_choices(s.settings)]
        per_row = 3
    else:
        return
    markup = keyboards.grid([(label, keyboards.onboarding_data(step, value)) for label, value in options], per_row)
    await send_html(context.bot, chat_id, s.text(loc, f"onboarding.{step}.ask"), markup)


def _chosen(context: BotContext, person: Person, step: str, value: str) -> str:
    s, loc = context.services, person.locale
    if step == "consent":
        return s.text(loc, "onboarding.consent.given" if value == "yes" else "onboarding.consent.not_now")
    if step == "language":
        return s.text(loc, "onboarding.language.chosen", language=s.text(loc, f"common.language_names.{value}"))
    if step == "day":
        return s.text(loc, "onboarding.day.chosen", day=s.text(loc, f"common.days.{value}"))
    return s.text(loc, "onboarding.time.chosen", time=value)


async def choose(update: Update, context: BotContext) -> None:
    """Handle a tap on a joining button (``ob:<step>:<value>``)."""
    s = context.services
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.from_user is None:
        return
    parts = keyboards.parse(query.data, 3)
    if len(parts) != 3:
        await query.answer(s.text("en", "common.unknown_button"))
        return
    _, step, value = parts
    applied = await joining.apply_answer(s.db, s.settings, query.from_user.id, step, value, s.clock.now())
    person = applied.person
    if applied.result in ("unknown_person", "invalid") or person is None:
        await query.answer(s.text("en", "common.unknown_button"))
        return
    if applied.result == "stale":
        await edits.changes_nothing(query, s.text(person.locale, "ui.already_answered"))
        return
    await query.answer()
    await edits.close_with(query, f"{edits.shown_html(query)}\n\n{_chosen(context, person, step, value)}")
    if applied.result == "declined":
        await send_html(context.bot, chat.id, s.text(person.locale, "onboarding.consent.declined"))
    elif applied.result == "advanced":
        await ask_step(context, chat.id, person)
    else:
        day = s.text(person.locale, f"common.days.{person.checkin_day}")
        await send_html(context.bot, chat.id, s.text(person.locale, "onboarding.finish.done",
                                                       day=day, time=person.checkin_time))
        if applied.worker_chat is not None:
            await send_html(context.bot, applied.worker_chat, s.text(
                "en", "onboarding.finish.worker_told", name=person.display_name,
                day=s.text("en", f"common.days.{person.checkin_day}"), time=person.checkin_time))
