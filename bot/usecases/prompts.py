"""A flow's effects as messages: question text, one-tap buttons and Skip, thanks at the end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core import buttons
from bot.core.flows import engine
from bot.core.flows.model import Flow
from bot.delivery.outbox import Button, grid
from bot.flowfiles import text_locale
from bot.services import Services


@dataclass(frozen=True)
class Prompt:
    """One message to show; ``asks`` is True when it carries a question's buttons."""

    text: str
    keyboard: list[list[Button]] | None = None

    @property
    def asks(self) -> bool:
        """Whether this is a question (its message becomes the check-in's live question)."""
        return bool(self.keyboard)


def step_index(flow: Flow, step_id: str) -> int:
    """The position of a step in its flow (what button data carries instead of the id)."""
    return list(flow.steps).index(step_id)


def step_at(flow: Flow, index: int) -> str | None:
    """The id of the step at ``index``, or None if there is none."""
    ids = list(flow.steps)
    return ids[index] if 0 <= index < len(ids) else None


def question(s: Services, locale: str, checkin_id: int, flow: Flow, ask: engine.Ask,
             context: Mapping[str, str]) -> Prompt:
    """A question with its one-tap answers (six to a row when they are short numbers) and Skip."""
    loc = text_locale(locale, ask.validated)
    index = step_index(flow, ask.step_id)
    labels = [s.text(loc, option.label, **context) for option in ask.options]
    answers = [(label, buttons.checkin(checkin_id, index, str(i))) for i, label in enumerate(labels)]
    per_row = 6 if labels and max(len(label) for label in labels) <= 3 else 1
    skip = (s.text(locale, "ui.skip"), buttons.checkin(checkin_id, index, "s"))
    return Prompt(s.text(loc, ask.text_key, **context), [*grid(answers, per_row), [skip]])


def render(s: Services, locale: str, checkin_id: int, flow: Flow, effects: Sequence[Any],
           context: Mapping[str, str]) -> list[Prompt]:
    """The messages a batch of effects shows the person, in order."""
    out: list[Prompt] = []
    flow_said_goodbye = any(isinstance(effect, engine.Say) for effect in effects)
    for effect in effects:
        if isinstance(effect, engine.Say | engine.Nudge):
            out.append(Prompt(s.text(locale, effect.text_key, **context)))
        elif isinstance(effect, engine.Ask):
            out.append(question(s, locale, checkin_id, flow, effect, context))
        elif isinstance(effect, engine.Completed) and not flow_said_goodbye:
            out.append(Prompt(s.text(locale, "ui.thanks")))
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
