"""The one place that reads Telegram's errors: each kind of failure gets its verdict."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.pacing import MARGIN, Pacer, Rate
from bot.delivery.policy import classify, is_stale_query


def _caused(exc: NetworkError, cause: BaseException) -> NetworkError:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(("error", "action"), [
    (BadRequest("Bad Request: message is too long"), "failed"),
    (BadRequest("Bad Request: message is not modified"), "done"),
    (BadRequest("Bad Request: chat not found"), "unreachable"),
    (Forbidden("Forbidden: bot was blocked by the user"), "unreachable"),
    (RetryAfter(7), "wait"),
    (NetworkError("Internal Server Error (500)"), "retry"),
    (NetworkError("Bad Gateway"), "retry"),
    (_caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")), "retry"),
    (_caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), "retry"),
    (_caused(TimedOut("Timed out"), httpx.ReadTimeout("read")), "unknown"),
    (_caused(NetworkError("Server disconnected"), httpx.RemoteProtocolError("gone")), "unknown"),
    (ChatMigrated(12345), "failed"),
])
def test_each_telegram_answer_gets_its_verdict(error: Exception, action: str) -> None:
    assert classify(error).action == action  # type: ignore[arg-type]


def test_a_400_is_never_taken_for_a_network_error() -> None:
    # BadRequest subclasses NetworkError in python-telegram-bot 22: it must still fail, not be retried
    assert isinstance(BadRequest("x"), NetworkError)
    assert classify(BadRequest("Bad Request: can't parse entities")).action == "failed"


def test_429_carries_how_long_to_wait() -> None:
    assert classify(RetryAfter(7)).wait_seconds == 7
    assert classify(RetryAfter(timedelta(seconds=3))).wait_seconds == 3  # type: ignore[arg-type]


def test_a_callback_query_too_old_is_recognised() -> None:
    assert is_stale_query(BadRequest("Bad Request: query is too old and response timeout expired or "
                                     "query ID is invalid"))
    assert not is_stale_query(BadRequest("Bad Request: message is too long"))


def test_pacing_keeps_to_the_overall_rate_and_one_per_second_per_chat_after_a_burst() -> None:
    now = [0.0]
    pacer = Pacer(Rate(30, 30), Rate(1, 3), clock=lambda: now[0])
    waits = [pacer.delay(chat) for chat in range(60)]
    assert waits[:30] == [0.0] * 30, "a burst of 30 goes at once"
    assert waits[59] == pytest.approx(30 / (30 * MARGIN), abs=0.01), "then 30 a second (kept just under)"
    one_chat = Pacer(Rate(1000, 1000), Rate(1, 3), clock=lambda: now[0])
    assert [round(one_chat.delay(7) * MARGIN, 2) for _ in range(5)] == [0.0, 0.0, 0.0, 1.0, 2.0]


def test_a_429_pauses_every_chat() -> None:
    now = [0.0]
    pacer = Pacer(Rate(30, 30), Rate(1, 3), clock=lambda: now[0])
    pacer.pause(5)
    assert pacer.delay(1) >= 5 and pacer.delay(2) >= 5
