"""Simulated people with different habits, who answer the bot through the sandbox like real users."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol


class Driver(Protocol):
    """What a simulated person needs from the harness driving them (``bot.testing.Harness``)."""

    sandbox: Any

    def messages(self, chat_id: int) -> list[dict[str, Any]]: ...

    def buttons(self, message: dict[str, Any]) -> list[dict[str, Any]]: ...

    def texts(self, chat_id: int) -> list[str]: ...

    async def press(self, user_id: int, message_id: int, data: str) -> dict[str, Any]: ...

SKIP_LABELS = ("skip", "hepgor")
UCLA_LONELY_LAST = ("Hardly ever or never", "Some of the time", "Often")
DELAYS = {"prompt": timedelta(minutes=5), "late": timedelta(hours=26), "skipper": timedelta(minutes=20),
          "blocks": timedelta(minutes=10)}


@dataclass
class SimPerson:
    """A person on Telegram: notices new questions and taps an answer after their usual delay.

    ``habit`` is one of: ``prompt`` (answers within minutes), ``late`` (answers the next day),
    ``never`` (reads nothing), ``blocks`` (answers one check-in, then blocks the bot), ``skipper``
    (answers, but often skips). ``wellbeing`` (0–1) rises as the programme goes on, so answers to
    mood, ONS4 and UCLA-3 questions improve the way a person helped by the service would.
    """

    user_id: int
    name: str
    habit: str
    wellbeing: float = 0.3
    improves_by: float = 0.03
    seen: dict[int, datetime] = field(default_factory=dict)
    answered: set[tuple[int, str]] = field(default_factory=set)
    blocked: bool = False
    checkins_done: int = 0

    def __post_init__(self) -> None:
        self.random = random.Random(self.user_id)

    @property
    def delay(self) -> timedelta:
        """How long this person usually takes to answer."""
        return DELAYS.get(self.habit, timedelta(minutes=20))

    def _level(self) -> float:
        return min(1.0, max(0.0, self.wellbeing + self.random.uniform(-0.15, 0.15)))

    def pick(self, buttons: list[dict[str, Any]], question: str = "") -> dict[str, Any]:
        """Choose a button as this person would feel today (``question`` is the message's text)."""
        skip = [b for b in buttons if b["text"].lower().startswith(SKIP_LABELS)]
        answers = [b for b in buttons if b not in skip]
        if skip and (not answers or self.habit == "skipper" and self.random.random() < 0.4):
            return skip[0]
        labels = [b["text"] for b in answers]
        level = self._level()
        if "anxious" in question.lower():  # feeling better means less anxious
            level = 1 - level
        if labels == list(UCLA_LONELY_LAST):  # loneliness: the better they are, the less often lonely
            return answers[min(2, int((1 - level) * 3))]
        if labels[:1] in (["Yes"], ["Ie"]) and len(labels) <= 3:  # "would you like contact?" and the like
            return answers[0] if level < 0.25 else answers[-1]
        return answers[min(len(answers) - 1, int(level * len(answers)))]

    def visible_questions(self, harness: Driver) -> list[dict[str, Any]]:
        """Messages in the chat that still carry buttons."""
        return [m for m in harness.messages(self.user_id) if harness.buttons(m)]

    def next_action(self, harness: Driver, now: datetime) -> datetime | None:
        """When this person will next tap something, if anything is waiting for them."""
        if self.habit == "never" or self.blocked:
            return None
        times = [self.seen.setdefault(m["message_id"], now) + self.delay for m in self.visible_questions(harness)]
        return min(times) if times else None

    async def act(self, harness: Driver, now: datetime) -> None:
        """Answer whatever has waited long enough (several taps in a row, as a person does)."""
        if self.habit == "never" or self.blocked:
            return
        for _ in range(30):
            ready = [m for m in self.visible_questions(harness)
                     if now - self.seen.setdefault(m["message_id"], now) >= self.delay]
            if not ready:
                return
            message = ready[-1]
            buttons = [b for b in harness.buttons(message) if "callback_data" in b]
            choice = self.pick(buttons, message.get("text") or "")
            key = (message["message_id"], choice["callback_data"])
            if key in self.answered:
                return
            self.answered.add(key)
            before = len(harness.messages(self.user_id))
            await harness.press(self.user_id, message["message_id"], choice["callback_data"])
            # questions that follow a tap are answered straight away: the person is in the conversation
            self.seen.update({m["message_id"]: now - self.delay for m in harness.messages(self.user_id)[before:]})
            if any(t.startswith("Thank you") for t in harness.texts(self.user_id)[before:]):
                self.checkins_done += 1
                self.wellbeing = min(1.0, self.wellbeing + self.improves_by)
                if self.habit == "blocks":
                    await harness.sandbox.client.block(self.user_id)
                    self.blocked = True
                    return
