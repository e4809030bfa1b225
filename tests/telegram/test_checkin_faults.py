"""A transient Telegram error while a person answers never strands them mid check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.testing import Harness

WORKER, PERSON = 501, 701


async def _question_open(h: Harness) -> dict[str, object]:
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"))
    await h.advance(hours=1)
    return h.open_question(PERSON)


@pytest.mark.parametrize("method", ["answerCallbackQuery", "editMessageText", "sendMessage"])
async def test_one_server_error_while_answering_still_brings_what_follows(harness: Harness, method: str) -> None:
    h = harness
    question = await _question_open(h)
    await h.sandbox.client.faults(kind="500", methods=[method], chat_id=PERSON if method != "answerCallbackQuery"
                                  else None, count=1)
    await h.tap(PERSON, "Good", question)  # type: ignore[arg-type]
    h.clock.advance(timedelta(seconds=5))  # a retry waits a second or two
    await h.settle()
    assert h.texts(PERSON)[-1].startswith("Thank you for checking in"), "what follows the answer arrives"
    tapped = h.sandbox.state.find_message(PERSON, question["message_id"])
    assert tapped is not None and "✓" in tapped["text"] and "reply_markup" not in tapped
    assert any(c["method"] == method and c["status"] == 500 for c in h.sandbox.state.calls)


async def test_a_tap_answered_too_late_is_quiet_and_still_recorded(harness: Harness,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    question = await _question_open(h)
    await h.sandbox.client.set_limits(callback_query_ttl=0)
    await h.tap(PERSON, "Good", question)  # type: ignore[arg-type]
    assert h.texts(PERSON)[-1].startswith("Thank you for checking in")
    assert "Traceback" not in caplog.text
    assert any(c["method"] == "answerCallbackQuery" and c["status"] == 400 for c in h.sandbox.state.calls)
