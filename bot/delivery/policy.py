"""The one place that reads Telegram's errors and decides what they mean for a message.

| Telegram's answer                                            | verdict      | what the drain does            |
| ------------------------------------------------------------ | ------------ | ------------------------------ |
| 400 (any other reason)                                       | ``failed``   | fail the row, never retry      |
| 400 "message is not modified"                                | ``done``     | the edit already shows         |
| 403, or 400 "chat not found"                                 | ``unreachable`` | person unreachable, escalate |
| 429                                                          | ``wait``     | the whole drain waits          |
| 5xx, connection refused, pool or connect timeout             | ``retry``    | retry soon, backing off        |
| read timeout, dropped connection (the request left)          | ``unknown``  | send once more after a delay (*)|
| anything else                                                | ``failed``   | fail the row; the rest go on   |

(*) and again, later each time, if that outcome is unknown too, up to ``delivery.unknown_resends`` times.

In python-telegram-bot 22 ``BadRequest`` and ``TimedOut`` are ``NetworkError`` subclasses, so the specific
classes are tested first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

Action = Literal["done", "failed", "unreachable", "wait", "retry", "unknown"]


@dataclass(frozen=True)
class Verdict:
    """What a Telegram error means: the action, a short reason for the row, and how long to wait (429)."""

    action: Action
    reason: str
    wait_seconds: float = 0.0


UNREACHABLE_400 = ("chat not found", "user is deactivated", "peer_id_invalid")
ALREADY_SHOWN_400 = ("message is not modified",)
STALE_QUERY_400 = ("query is too old", "query id is invalid")


def certainly_unsent(exc: NetworkError) -> bool:
    """Whether a failed request certainly never reached Telegram (so sending again cannot duplicate it)."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    # No transport error underneath: Telegram answered with a server error (5xx), so nothing was sent.
    return cause is None and not isinstance(exc, TimedOut)


def retry_seconds(exc: RetryAfter) -> float:
    """Telegram's retry_after in seconds (python-telegram-bot is moving it from int to timedelta)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError) -> Verdict:
    """The verdict for one failed Bot API call."""
    message = exc.message.lower()
    if isinstance(exc, RetryAfter):
        return Verdict("wait", "429 too many requests", retry_seconds(exc))
    if isinstance(exc, Forbidden):
        return Verdict("unreachable", f"403 {exc.message}"[:200])
    if isinstance(exc, BadRequest):
        if any(words in message for words in ALREADY_SHOWN_400):
            return Verdict("done", exc.message[:200])
        if any(words in message for words in UNREACHABLE_400):
            return Verdict("unreachable", f"400 {exc.message}"[:200])
        return Verdict("failed", f"400 {exc.message}"[:200])
    if isinstance(exc, NetworkError):  # TimedOut included
        if certainly_unsent(exc):
            return Verdict("retry", f"{type(exc).__name__}: {exc.message}"[:200])
        return Verdict("unknown", f"{type(exc).__name__}: outcome unknown"[:200])
    return Verdict("failed", f"{type(exc).__name__}: {exc.message}"[:200])


def is_stale_query(exc: TelegramError) -> bool:
    """Whether Telegram refused to answer a callback query because it is too old (routine after downtime)."""
    return isinstance(exc, BadRequest) and any(words in exc.message.lower() for words in STALE_QUERY_400)
