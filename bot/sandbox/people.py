"""Simulated people with different habits, who answer the bot through the sandbox like real users."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.testing import Harness


@dataclass
class SimPerson:
    """A person on Telegram: notices new questions and taps an answer after their usual delay.

    ``habit`` is one of: ``prompt`` (answers within minutes), ``late`` (answers the next day),
    ``never`` (reads nothing), ``blocks`` (answers once, then blocks the bot), ``skipper`` (often skips).
    """

    user_id: int
    name: str
    habit: str
    seed: int = 0
    seen: dict[int, datetime] = field(default_factory=dict)
    answered: set[tuple[int, str]] = field(default_factory=set)
    blocked: bool = False
    taps: int = 0

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed or self.user_id)

    @property
    def delay(self) -> timedelta:
        """How long this person usually takes to answer."""
        return {"prompt": timedelta(minutes=5), "late": timedelta(hours=26)}.get(self.habit, timedelta(minutes=20))

    def pick(self, buttons: list[dict[str, Any]]) -> dict[str, Any]:
        """Choose a button as this person would (a mood that drifts upwards; skippers often skip)."""
        skip = [b for b in buttons if b["text"].lower().startswith(("skip", "hepgor"))]
        answers = [b for b in buttons if b not in skip]
        if skip and (self.habit == "skipper" and self.random.random() < 0.5 or not answers):
            return skip[0]
        weights = [1 + i * (1 + self.taps / 4) for i in range(len(answers))]
        return self.random.choices(answers, weights=weights)[0]

    async def act(self, harness: Harness, now: datetime) -> None:
        """Look at the chat and answer whatever has waited long enough."""
        if self.habit == "never" or self.blocked:
            return
        for message in harness.messages(self.user_id):
            buttons = [b for b in harness.buttons(message) if "callback_data" in b]
            if not buttons:
                continue
            first_seen = self.seen.setdefault(message["message_id"], now)
            if now - first_seen < self.delay:
                continue
            choice = self.pick(buttons)
            key = (message["message_id"], choice["callback_data"])
            if key in self.answered:
                continue
            self.answered.add(key)
            await harness.press(self.user_id, message["message_id"], choice["callback_data"])
            self.taps += 1
            if self.habit == "blocks" and self.taps >= 1:
                await harness.sandbox.client.block(self.user_id)
                self.blocked = True
            return
