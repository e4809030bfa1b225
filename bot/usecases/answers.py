"""A person answering a check-in: a tap on one of its buttons, or typed text."""

from __future__ import annotations

from typing import Any, Literal

from bot.core.flows import engine
from bot.core.flows.model import Flow
from bot.usecases import checkins, prompts
from bot.usecases.work import Tap, Work


def _tap_event(step_id: str | None, choice: str) -> checkins.EventFor:
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


async def tap(work: Work, user_id: int, chat_id: int, message_id: int, shown: str, checkin_id: int,
              index: int, choice: str) -> Tap:
    """A tap on a check-in button: record it, show the choice on the tapped message, queue what follows.

    ``shown`` is the tapped message's text as HTML. A tap on a closed check-in, or a second tap, changes
    nothing but the buttons, which go.
    """
    def event_for(flow: Flow, state: engine.FlowState) -> Any:
        return _tap_event(prompts.step_at(flow, index), choice)(flow, state)

    done = await checkins.answer(work, user_id, checkin_id, event_for)
    if done.outcome == "not_found":
        work.unbutton(chat_id, message_id)
        return Tap(work.text("en", "common.unknown_button"))
    if done.outcome == "closed":
        closed = work.text(done.locale, "ui.closed")
        work.edit(chat_id, message_id, f"{shown}\n\n{closed}")
        return Tap(closed, alert=True)
    if done.outcome == "stale":
        work.unbutton(chat_id, message_id)
        return Tap(work.text(done.locale, "ui.already_answered"))
    assert done.flow is not None and done.context is not None
    if done.person is not None:
        done.person.last_message_at = work.now
    label = prompts.chosen_label(work.services, done.locale, done.flow, done.step_id, choice, done.context)
    work.edit(chat_id, message_id, f"{shown}\n\n{label}")
    if done.checkin is not None and done.checkin.message_id not in (None, message_id):
        work.unbutton(chat_id, done.checkin.message_id)  # another live copy (a resend) goes quiet too
    done.show(work)
    return Tap()


def _typed_event(text: str) -> checkins.EventFor:
    def build(flow: Flow, state: engine.FlowState) -> Any:
        return None if state.step_id is None else engine.Typed(state.step_id, text)
    return build


async def keep(work: Work, user_id: int, text: str) -> None:
    """Record typed text as the open check-in's answer when its step takes it, and show nothing after
    (the caller closes the check-in or says what comes next)."""
    await checkins.answer(work, user_id, None, _typed_event(text), answers_only=True)


Typed = Literal["answer", "nudged", "none"]
"""What typed text was to the person's check-in: an answer it took, text its step could not take (the
person was nudged back to the question), or nothing (no open check-in)."""


async def typed(work: Work, user_id: int, chat_id: int, text: str, *, answered: bool = False) -> Typed:
    """Typed text: an answer if the open check-in's step takes one (else a nudge back to the question).

    ``answered``: the text was already answered (screening found risk or distress), so it is taken only as
    an answer the step accepts, with no nudge; the open question stays as it was.
    """
    done = await checkins.answer(work, user_id, None, _typed_event(text), answers_only=answered)
    if done.outcome != "recorded":
        return "none"
    if done.checkin is not None:
        work.unbutton(chat_id, done.checkin.message_id)  # answered by typing: its buttons go
    done.show(work)
    return "nudged" if any(isinstance(effect, engine.Nudge) for effect in done.effects) else "answer"
