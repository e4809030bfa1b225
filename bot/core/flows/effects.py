"""What the flow engine works with: the state of a run, the events it takes and the effects it emits.

Pure data (see :mod:`bot.core.flows.engine` for the rules that connect them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.flows.model import Condition, Option, Trend, Value

# ------------------------------------------------------------------------------------------------- state


@dataclass(frozen=True)
class FlowState:
    """Where one run of a flow is. ``step_id`` is the question waiting for an answer (None once done)."""

    flow_id: str
    step_id: str | None
    results: Mapping[str, Value | None] = field(default_factory=dict)
    done: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (store it; :meth:`from_dict` reads it back)."""
        return {"flow_id": self.flow_id, "step_id": self.step_id, "results": dict(self.results),
                "done": self.done}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlowState:
        flow_id, step_id, results, done = data["flow_id"], data["step_id"], data["results"], data["done"]
        if not isinstance(flow_id, str) or not (step_id is None or isinstance(step_id, str)):
            raise ValueError("flow state: flow_id must be a string and step_id a string or null")
        if not isinstance(done, bool) or not isinstance(results, dict):
            raise ValueError("flow state: done must be a boolean and results an object")
        for key, value in results.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, str | int)) or isinstance(
                value, bool
            ):
                raise ValueError(f"flow state: result {key!r} must be a number, a string or null")
        return cls(flow_id=flow_id, step_id=step_id, results=dict(results), done=done)


# ------------------------------------------------------------------------------------------------ events


@dataclass(frozen=True)
class Choose:
    """A one-tap answer: the option's value (the edge maps the button's option index to it)."""

    step_id: str
    value: Value


@dataclass(frozen=True)
class Typed:
    """Text the person typed while ``step_id`` was waiting."""

    step_id: str
    text: str


@dataclass(frozen=True)
class Skip:
    """The person skipped the question (always allowed)."""

    step_id: str


Event = Choose | Typed | Skip

# ----------------------------------------------------------------------------------------------- effects


@dataclass(frozen=True)
class Ask:
    """Ask a question: its text, one-tap options in this order (build buttons from the index), whether
    typed text is taken, and whether it is a validated instrument item (render text and labels as published,
    in English where there is no official translation). A Skip button always goes with it."""

    step_id: str
    text_key: str
    options: tuple[Option, ...]
    free_text: bool
    validated: bool


@dataclass(frozen=True)
class Say:
    """Send a message that needs no answer."""

    text_key: str


@dataclass(frozen=True)
class Record:
    """Store ``value`` as ``result`` (None: skipped). ``raw_text`` is what the person typed, if they typed."""

    result: str
    value: Value | None
    raw_text: str | None
    free_text: bool = False
    """True when ``value`` is the person's own words (a free-text answer), not an option or a number."""


@dataclass(frozen=True)
class Scored:
    """An instrument administration: the total (None when incomplete or never summed) and every item."""

    name: str
    instrument: str
    total: int | None
    items: dict[str, Value | None]


@dataclass(frozen=True)
class Escalate:
    """Raise an escalation of ``kind``; ``rule`` explains which rule fired and why, ``evidence`` the data.
    With a ``trend``, raise it only if the person's history agrees (the use case checks, with
    :mod:`bot.core.trends`); ``when`` is the rule's condition, for testing earlier values."""

    kind: str
    rule: str
    evidence: dict[str, Any]
    trend: Trend | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class Nudge:
    """Typed text the step cannot take: a gentle reminder; the same :class:`Ask` follows."""

    step_id: str
    text_key: str


@dataclass(frozen=True)
class Completed:
    """The flow has ended; these are all its results."""

    results: dict[str, Value | None]


@dataclass(frozen=True)
class Ignored:
    """The event changed nothing: ``reason`` is ``"stale"`` (not the waiting step), ``"done"`` (the flow has
    ended) or ``"not an option"`` (a value the step does not offer)."""

    step_id: str
    reason: str


Effect = Ask | Say | Record | Scored | Escalate | Nudge | Completed | Ignored
