"""Check-in answers: button taps and typed replies, acknowledged only after they are committed."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.core.flows import engine
from bot.core.flows.model import Flow
from bot.telegram import edits, keyboards, prompts
from bot.telegram.context import BotContext
from bot.telegram.handlers.fallback import reply_to_text
from bot.telegram.send import send_html
from bot.usecases import checkins


def _tap_event(step_id: str | None, choice: str) -> Any:
    def build(flow: Flow, state: engine.FlowState) -> Any:
        if step_id is None or state.step_id != step_id:
            return None
        if choice == "s":
            return engine.Skip(step_id)
        options = flow.steps[step_id].options
        if not choice.isdigit() or int(choice) >= len(options):
            return None
        return engine.Choose(step_id, options[int(choice)].value)
    return build


async def answer(update: Update, context: BotContext) -> None:
    """Handle a tap on a check-in button (``ci:<check-in>:<step>:<choice>``)."""
    s, query = context.services, update.callback_query
    if query is None or query.from_user is None or update.effective_chat is None:
        return
    parts = keyboards.parse(query.data, 4)
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        await query.answer(s.text("en", "common.unknown_button"))
        return
    checkin_id, index, choice = int(parts[1]), int(parts[2]), parts[3]
    def event_for(flow: Flow, state: engine.FlowState) -> Any:
        return _tap_event(prompts.step_at(flow, index), choice)(flow, state)

    done = await checkins.answer(s.db, s.flows, s.programme, query.from_user.id, checkin_id, event_for, s.clock.now())
    if done.outcome == "not_found":
        await edits.changes_nothing(query, s.text("en", "common.unknown_button"))
        return
    if done.outcome == "closed":
        await query.answer(s.text(done.locale, "ui.closed"), show_alert=True)
        await edits.close_with(query, f"{edits.shown_html(query)}\n\n{s.text(done.locale, 'ui.closed')}")
        return
    if done.outcome == "stale":
        await edits.changes_nothing(query, s.text(done.locale, "ui.already_answered"))
        return
    assert done.flow is not None and done.context is not None
    await query.answer()
    label = prompts.chosen_label(s, done.locale, done.flow, done.step_id, choice, done.context)
    await edits.close_with(query, f"{edits.shown_html(query)}\n\n{label}")
    await send_prompts(context, update.effective_chat.id, done)


async def typed(update: Update, context: BotContext) -> None:
    """Handle typed text: an answer if the open check-in's step takes one, else a gentle reply."""
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None or message.text is None or update.effective_chat is None:
        return
    text = message.text

    def event_for(flow: Flow, state: engine.FlowState) -> Any:
        return None if state.step_id is None else engine.Typed(state.step_id, text)

    done = await checkins.answer(s.db, s.flows, s.programme, user.id, None, event_for, s.clock.now())
    if done.outcome != "recorded":
        await reply_to_text(update, context)
        return
    await send_prompts(context, update.effective_chat.id, done)


async def send_prompts(context: BotContext, chat_id: int, done: checkins.Answered) -> None:
    """Send what follows an answer; remember the message that now carries the open question."""
    s = context.services
    assert done.flow is not None and done.context is not None
    for out in prompts.render(s, done.locale, done.checkin_id, done.flow, done.effects, done.context):
        sent = await send_html(context.bot, chat_id, out.text, out.markup)
        if out.asks:
            await checkins.shown(s.db, done.checkin_id, sent.message_id)
