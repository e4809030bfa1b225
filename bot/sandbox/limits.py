"""Telegram's documented limits (text/caption/callback sizes, send rates) as configurable token buckets."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Limits:
    """Size limits, send rates and how long callback queries stay answerable.

    Rates are messages per second, bursts are bucket sizes; `enabled` switches the rate limits only.
    `callback_query_ttl` is the age in seconds (measured with the rate limiter's clock from when the
    sandbox created the query) at which answerCallbackQuery starts failing with "query is too old";
    it applies even when `enabled` is False. Telegram does not publish its limit (bots report failures
    after anything from seconds to minutes), so the default of 900 s (15 min) only catches answers to
    really stale queries, e.g. after downtime; 0 makes every answer too old.
    """

    max_text: int = 4096
    max_caption: int = 1024
    max_callback_data: int = 64
    overall_rate: float = 30.0
    overall_burst: float = 30.0
    per_chat_rate: float = 1.0
    per_chat_burst: float = 3.0
    enabled: bool = True
    callback_query_ttl: float = 900.0

    @classmethod
    def unlimited(cls) -> Limits:
        """Telegram's size limits but no rate limits (callback queries keep the default TTL)."""
        return cls(enabled=False)

    def to_dict(self) -> dict[str, Any]:
        """The limits as JSON-able fields."""
        return dataclasses.asdict(self)

    def updated(self, changes: dict[str, Any]) -> Limits:
        """A copy with some fields changed; unknown fields raise ValueError."""
        names = {f.name: f for f in dataclasses.fields(self)}
        unknown = set(changes) - set(names)
        if unknown:
            raise ValueError(f"unknown limits fields: {sorted(unknown)}")
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            current = getattr(self, key)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be a boolean")
                clean[key] = value
            elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{key} must be a non-negative number")
            else:
                clean[key] = type(current)(value)
        return dataclasses.replace(self, **clean)


class TokenBucket:
    """A bucket of `burst` tokens refilled at `rate` per second."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self.tokens = self.burst
        self.stamp = now

    def refill(self, now: float, rate: float, burst: float) -> None:
        """Bring the bucket up to date (and to the current settings)."""
        self.rate, self.burst = rate, max(burst, 1.0)
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * rate)
        self.stamp = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 when one is)."""
        if self.tokens >= 1.0:
            return 0.0
        return math.inf if self.rate <= 0 else (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Overall and per-chat token buckets; `acquire` takes a token from both or says how long to wait."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._overall: TokenBucket | None = None
        self._chats: dict[str, TokenBucket] = {}

    def reset(self) -> None:
        """Refill every bucket."""
        self._overall = None
        self._chats.clear()

    def acquire(self, chat_id: Any) -> int | None:
        """Take a send token for `chat_id`; None when allowed, else retry_after in whole seconds (>= 1)."""
        lim = self.limits
        if not lim.enabled:
            return None
        now = self.clock()
        if self._overall is None:
            self._overall = TokenBucket(lim.overall_rate, lim.overall_burst, now)
        overall = self._overall
        overall.refill(now, lim.overall_rate, lim.overall_burst)
        buckets = [overall]
        if chat_id is not None:
            key = str(chat_id)
            chat = self._chats.get(key)
            if chat is None:
                chat = self._chats[key] = TokenBucket(lim.per_chat_rate, lim.per_chat_burst, now)
            chat.refill(now, lim.per_chat_rate, lim.per_chat_burst)
            buckets.append(chat)
        wait = max(b.wait_time() for b in buckets)
        if wait > 0:
            return max(1, math.ceil(min(wait, 3600.0)))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None
