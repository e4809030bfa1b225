"""Pacing within Telegram's limits: about 30 messages a second overall, 1 a second per chat sustained, short
bursts allowed. Each limit is a GCRA bucket (a reservation per send), so concurrent senders space out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Rate:
    """``per_second`` sustained, with up to ``burst`` sends at once."""

    per_second: float
    burst: float


MARGIN = 0.97
"""Sustained rates are kept 3% under the limit: a send is timed when it is reserved, but Telegram counts it
when it arrives, and network jitter can bring two arrivals closer than they were sent."""


class Bucket:
    """A generic cell rate bucket: ``reserve`` says how long to wait before the next send may go."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.tat = 0.0  # the theoretical arrival time of the next send

    def reserve(self, now: float) -> float:
        """Reserve one send; returns the seconds to wait before making it."""
        interval = 1.0 / (self.rate.per_second * MARGIN)
        tolerance = interval * max(self.rate.burst - 1.0, 0.0)
        start = max(now, self.tat - tolerance)
        self.tat = max(self.tat, now) + interval
        return start - now

    def backlog(self, now: float) -> float:
        """How long a send reserved at ``now`` would wait (0 while a burst is available)."""
        interval = 1.0 / (self.rate.per_second * MARGIN)
        return max(0.0, self.tat - interval * max(self.rate.burst - 1.0, 0.0) - now)


class Pacer:
    """Overall and per-chat buckets, plus a pause for the whole drain after a 429."""

    def __init__(self, overall: Rate, per_chat: Rate, *, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.overall = Bucket(overall)
        self.per_chat_rate = per_chat
        self.chats: dict[int, Bucket] = {}
        self.enabled = enabled
        self.clock = clock
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes for ``seconds``."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def backlog(self) -> float:
        """Seconds of the overall rate already reserved ahead of now (0 when not pacing)."""
        return self.overall.backlog(self.clock()) if self.enabled else 0.0

    def delay(self, chat_id: int) -> float:
        """Reserve a send to ``chat_id``; returns how many seconds to wait first."""
        now = self.clock()
        paused = max(0.0, self.paused_until - now)
        if not self.enabled:
            return paused
        chat = self.chats.get(chat_id)
        if chat is None:
            if len(self.chats) > 50_000:  # forget chats whose buckets have long refilled
                self.chats = {k: b for k, b in self.chats.items() if b.tat > now}
            chat = self.chats[chat_id] = Bucket(self.per_chat_rate)
        start = now + paused
        wait_chat = chat.reserve(start)
        wait_all = self.overall.reserve(start + wait_chat)
        return paused + wait_chat + wait_all
