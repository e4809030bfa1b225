"""A transient Telegram error while a person answers never strands them mid check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.store.models import OutboxMessage
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


async def test_a_double_tap_on_the_last_question_keeps_the_answer_shown(harness: Harness) -> None:
    h = harness
    question = await _question_open(h)
    good = next(b for b in h.buttons(question) if "Good" in b["text"])  # type: ignore[arg-type]
    first = await h.sandbox.client.press(PERSON, question["message_id"], good["callback_data"])  # type: ignore[arg-type]
    await h.press(PERSON, question["message_id"], good["callback_data"])  # type: ignore[arg-type]
    assert h.runtime is not None
    await h.runtime.receiver.wait_processed(int(first["update"]["update_id"]))
    await h.settle()
    shown = h.sandbox.state.find_message(PERSON, question["message_id"])
    assert shown is not None and "✓" in shown["text"] and "closed" not in shown["text"]
    assert "closed" not in (h.sandbox.state.callback_answers[-1].get("text") or "")


async def test_a_resent_copy_of_the_question_goes_quiet_once_the_first_is_answered(harness: Harness) -> None:
    h = harness
    await _question_open(h)
    assert h.services is not None
    async with h.services.db.session() as session:  # a copy sent again after an unknown outcome, as the drain does
        sent = (await session.execute(select(OutboxMessage).where(OutboxMessage.checkin_id.is_not(None)))).scalar_one()
        session.add(OutboxMessage(chat_id=sent.chat_id, method="send", text=sent.text, keyboard=sent.keyboard,
                                  checkin_id=sent.checkin_id, priority=0, status="pending", not_before=h.clock.now(),
                                  created_at=h.clock.now(), attempts=0, unknown_outcomes=1))
    await h.settle()
    first, second = [m for m in h.messages(PERSON) if h.buttons(m)]
    await h.tap(PERSON, "Good", first)
    assert [m for m in h.messages(PERSON) if h.buttons(m)] == [], "no copy of the answered question stays live"
    assert "✓" in (h.sandbox.state.find_message(PERSON, first["message_id"]) or {})["text"]
