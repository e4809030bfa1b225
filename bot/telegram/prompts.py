"""Turning a flow's effects into Telegram messages: question text, one-tap buttons, Skip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.core.flows import engine
from bot.core.flows.model import Flow
from bot.flowfiles import text_locale
from bot.services import Services
from bot.telegram import keyboards


@dataclass(frozen=True)
class Outgoing:
    """One message to send; ``asks`` is True when it carries a question's buttons."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    asks: bool = False


def step_index(flow: Flow, step_id: str) -> int:
    """The position of a step in its flow (what callback data carries instead of the id)."""
    return list(flow.steps).index(step_id)


def step_at(flow: Flow, index: int) -> str | None:
    """The id of the step at ``index``, or None if there is none."""
    ids = list(flow.steps)
    return ids[index] if 0 <= index < len(ids) else None


def _question(s: Services, locale: str, checkin_id: int, flow: Flow, ask: Any,
              context: Mapping[str, str]) -> Outgoing:
    loc = text_locale(locale, ask.validated)
    index = step_index(flow, ask.step_id)
    labels = [s.text(loc, option.label, **context) for option in ask.options]
    buttons = [(label, keyboards.checkin_data(checkin_id, index, str(i))) for i, label in enumerate(labels)]
    per_row = 6 if labels and max(len(label) for label in labels) <= 3 else 1
    rows = keyboards.grid(buttons, per_row).inline_keyboard
    skip = keyboards.grid([(s.text(locale, "ui.skip"), keyboards.checkin_data(checkin_id, index, "s"))], 1)
    markup = InlineKeyboardMarkup([*rows, *skip.inline_keyboard])
    return Outgoing(s.text(loc, ask.text_key, **context), markup, asks=True)


def render(s: Services, locale: str, checkin_id: int, flow: Flow, effects: Sequence[Any],
           context: Mapping[str, str]) -> list[Outgoing]:
    """The messages a batch of effects shows the person, in order."""
    out: list[Outgoing] = []
    flow_said_goodbye = any(isinstance(effect, engine.Say) for effect in effects)
    for effect in effects:
        if isinstance(effect, engine.Say | engine.Nudge):
            out.append(Outgoing(s.text(locale, effect.text_key, **context)))
        elif isinstance(effect, engine.Ask):
            out.append(_question(s, locale, checkin_id, flow, effect, context))
        elif isinstance(effect, engine.Completed) and not flow_said_goodbye:
            out.append(Outgoing(s.text(locale, "ui.thanks")))
    return out


def chosen_label(s: Services, locale: str, flow: Flow, step_id: str, choice: str,
                 context: Mapping[str, str]) -> str:
    """What the tapped message shows after an answer: ``✓ <label>`` or ``✓ Skipped``."""
    if choice == "s":
        return s.text(locale, "ui.skipped")
    step = flow.steps[step_id]
    option = step.options[int(choice)]
    label = s.text(text_locale(locale, step.validated), option.label, **context)
    return s.text(locale, "ui.chosen", answer=label)
