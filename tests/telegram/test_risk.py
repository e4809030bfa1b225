"""The risk path end to end: a risk message gets crisis numbers at once and reaches a human, who says what
was done; distress gets a kind reply and an item; strangers and out-of-hours messages reach the duty contact.

Every promise is checked from the other side: when the person is told "I've sent what you wrote to Sam",
Sam's chat holds the alert.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.store.models import Answer, AuditEvent, CheckIn, Escalation, SafeguardingEntry, Worker
from bot.testing import Harness
from bot.testing_mail import MailServer

WORKER, PERSON, SUPERVISOR, OTHER_WORKER, STRANGER = 501, 701, 502, 503, 9999
SIGNPOSTING = "116 123"


async def _enrolled(h: Harness) -> None:
    """Alex joins on Monday 2 March 2026 at 09:00 UTC (working hours) with Sam as their worker."""
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.join(PERSON, token)


async def _rows(h: Harness, model: Any) -> list[Any]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


def _toast(h: Harness) -> str:
    return str([c["params"] for c in h.sandbox.state.calls if c["method"] == "answerCallbackQuery"][-1].get("text"))


def _alert(h: Harness, chat: int) -> dict[str, Any]:
    alerts = [m for m in h.messages(chat) if "Urgent" in (m.get("text") or "")]
    assert alerts, f"no urgent alert in chat {chat}: {h.texts(chat)}"
    return alerts[-1]


async def test_risk_outside_a_checkin_gets_crisis_numbers_and_reaches_the_worker(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "thanks for the info about the group. honestly i cant go on, i want to end it all")
    replies = h.texts(PERSON)[-2:]
    assert SIGNPOSTING in replies[0] and "999" in replies[0] and "not watched around the clock" in replies[0]
    assert "Sam Worker" in replies[1] and "straight away" in replies[1]
    alert = _alert(h, WORKER)
    assert "i want to end it all" in alert["text"] and "Alex" in alert["text"]
    assert [b["text"] for b in h.buttons(alert)] == ["Acknowledge", "Message them"]
    [escalation] = await _rows(h, Escalation)
    assert (escalation.kind, escalation.status) == ("risk", "open")
    assert "help_hint" not in " ".join(h.texts(PERSON)) and "I can only pass on" not in " ".join(h.texts(PERSON))


async def test_acknowledging_asks_what_was_done_and_logs_it_once(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "I want to kill myself")
    alert = _alert(h, WORKER)
    await h.tap(WORKER, "Acknowledge", alert)
    asked = _alert(h, WORKER)
    assert "What was done?" in asked["text"]
    assert "Safeguarding referral" in [b["text"] for b in h.buttons(asked)]
    await h.tap(WORKER, "Spoke to them", asked)
    done = _alert(h, WORKER)
    assert "✓ Acknowledged by Sam Worker" in done["text"] and not h.buttons(done)
    [entry] = await _rows(h, SafeguardingEntry)
    assert entry.action == "spoke" and entry.person_id is not None
    [escalation] = await _rows(h, Escalation)
    assert escalation.status == "closed" and escalation.acknowledged_by is not None
    # the same button pressed again (an old copy): nothing more is logged
    await h.press(WORKER, alert["message_id"], f"es:{escalation.id}:spoke")
    assert len(await _rows(h, SafeguardingEntry)) == 1
    assert _toast(h) == "Already dealt with by Sam Worker at 09:00 (Spoke to them) — nothing more to do."
    assert _alert(h, WORKER)["text"].count("Acknowledged") == 1, "the alert is not written on again"


async def test_no_action_needed_asks_why_and_logs_the_reason(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "i want to die")
    await h.tap(WORKER, "Acknowledge", _alert(h, WORKER))
    await h.tap(WORKER, "No action needed (say why)", _alert(h, WORKER))
    assert "type why" in h.texts(WORKER)[-1]
    assert "Waiting for your reason" in _alert(h, WORKER)["text"] and not h.buttons(_alert(h, WORKER))
    await h.say(WORKER, "Quoting song lyrics, <b>checked</b> with them by phone")
    [entry] = await _rows(h, SafeguardingEntry)
    assert (entry.action, entry.note) == ("no_action", "Quoting song lyrics, <b>checked</b> with them by phone")
    assert h.texts(WORKER)[-1] == ("✓ Acknowledged by Sam Worker at 09:00: No action needed — "
                                   "Quoting song lyrics, <b>checked</b> with them by phone")
    alert = _alert(h, WORKER)["text"]
    assert "i want to die" in alert and alert.endswith("with them by phone") and "Waiting" not in alert


async def test_risk_mid_checkin_sets_the_checkin_aside_kindly(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(days=7)
    question = h.open_question(PERSON)
    await h.say(PERSON, "my partner hit me again")
    signposting, told, aside = h.texts(PERSON)[-3:]
    assert SIGNPOSTING in signposting and "Sam Worker" in told and "What matters now is that you're safe" in aside
    assert "my partner hit me again" in _alert(h, WORKER)["text"]
    shown = next(m for m in h.messages(PERSON) if m["message_id"] == question["message_id"])
    assert not h.buttons(shown), "the question it interrupted is not left live, nor asked again"
    [checkin] = [c for c in await _rows(h, CheckIn) if c.status != "scheduled"]
    assert checkin.status == "cancelled"
    assert [c for c in await _rows(h, CheckIn) if c.status == "scheduled"], "the next one is planned"


async def test_a_tap_cannot_close_the_risk_item(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(days=7)
    question = h.open_question(PERSON)
    await h.say(PERSON, "I've been saving up my tablets to end it")
    await h.press(PERSON, question["message_id"], h.buttons(question)[0]["callback_data"])
    await h.say(PERSON, "/stop")
    [escalation] = [e for e in await _rows(h, Escalation) if e.kind == "risk"]
    assert escalation.status == "open"


async def test_a_long_cheerful_message_with_risk_at_its_end_is_caught(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    cheerful = "Lovely morning at the lunch club, the soup was nice and Jean brought cake. " * 60
    text = (cheerful[: 4096 - 40] + " but i want to kill myself")[:4096]
    assert len(text) <= 4096 and text.endswith("kill myself")
    await h.say(PERSON, text)
    assert SIGNPOSTING in h.texts(PERSON)[-2]
    assert "Urgent" in _alert(h, WORKER)["text"]


async def test_html_in_a_risk_message_is_shown_not_interpreted(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "<b>i want to die</b> <a href='x'>now</a>")
    alert = _alert(h, WORKER)
    assert "<b>i want to die</b> <a href='x'>now</a>" in alert["text"]  # shown as typed, not as markup


async def test_a_stranger_gets_crisis_numbers_and_the_duty_contact_an_alert(harness: Harness) -> None:
    h = harness
    supervisor_id, token = await h.add_worker("Dee Duty", supervisor=True)
    await h.say(SUPERVISOR, f"/start {token}")
    await h.say(STRANGER, "I'm going to end it tonight")
    assert SIGNPOSTING in h.texts(STRANGER)[-2]
    assert "someone on the team" in h.texts(STRANGER)[-1]
    alert = _alert(h, SUPERVISOR)
    assert "not enrolled" in alert["text"] and "end it tonight" in alert["text"]
    assert not await _rows(h, Escalation)


async def test_a_stranger_with_nobody_on_duty_is_not_promised_anything(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "i want to kill myself")
    assert SIGNPOSTING in h.texts(STRANGER)[-2]
    assert "can't pass messages on" in h.texts(STRANGER)[-1]


async def test_out_of_hours_goes_to_the_duty_contact_and_says_when_the_worker_will_see_it() -> None:
    async with Harness(escalation={"duty_worker_id": 2}) as h:
        await _enrolled(h)  # worker id 1
        duty_id, token = await h.add_worker("Dee Duty")
        assert duty_id == 2
        await h.say(SUPERVISOR, f"/start {token}")
        h.clock.set(h.clock.now() + timedelta(days=5, hours=3))  # Saturday 7 March, 12:00
        await h.say(PERSON, "I want to kill myself")
        told = h.texts(PERSON)[-1]
        assert "not working right now" in told and "Monday 9 March at 09:00" in told and "on duty" in told
        assert "outside working hours" in _alert(h, SUPERVISOR)["text"]
        assert "Urgent" in _alert(h, WORKER)["text"]


async def test_an_unacknowledged_alert_goes_on_to_the_supervisor(harness: Harness) -> None:
    h = harness
    _, token = await h.add_worker("Pat Supervisor", supervisor=True)
    await h.say(SUPERVISOR, f"/start {token}")
    await _enrolled(h)
    await h.say(PERSON, "i want to die")
    await h.advance(minutes=10)
    assert not [m for m in h.messages(SUPERVISOR) if "Urgent" in (m.get("text") or "")]
    await h.advance(minutes=25)
    forwarded = _alert(h, SUPERVISOR)
    assert "not acknowledged within 30 minutes" in forwarded["text"]
    await h.advance(minutes=60)
    assert len([m for m in h.messages(SUPERVISOR) if "Urgent" in (m.get("text") or "")]) == 1
    await h.tap(SUPERVISOR, "Acknowledge", forwarded)
    await h.tap(SUPERVISOR, "Referred to crisis / mental health team", _alert(h, SUPERVISOR))
    [entry] = await _rows(h, SafeguardingEntry)
    assert entry.action == "crisis_team"


async def test_another_worker_cannot_act_on_the_alert_and_the_attempt_is_audited(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.linked_worker(OTHER_WORKER, "Olly Other")
    await h.say(PERSON, "i want to die")
    [escalation] = await _rows(h, Escalation)
    # a forged tap (their own chat's last message carrying this item's data) is refused
    await h.send_update({"callback_query": {
        "id": "forged", "from": {"id": OTHER_WORKER, "is_bot": False, "first_name": "Olly"},
        "chat_instance": "x", "data": f"es:{escalation.id}:spoke",
        "message": h.messages(OTHER_WORKER)[-1] | {"chat": {"id": OTHER_WORKER, "type": "private"}}}})
    assert not await _rows(h, SafeguardingEntry)
    refused = [a for a in await _rows(h, AuditEvent) if a.outcome == "refused"]
    assert refused and refused[-1].action == "item_action"


async def test_distress_gets_a_kind_reply_and_an_item_for_the_worker(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "feeling so lonely, haven't spoken to anyone in days")
    reply = h.texts(PERSON)[-1]
    # it is after today's digest (09:00), so the next one holds it
    assert "Sam Worker, who will see it on Tuesday 3 March at 09:00" in reply and SIGNPOSTING in reply
    [escalation] = await _rows(h, Escalation)
    assert (escalation.kind, escalation.status) == ("distress", "open")
    assert not [m for m in h.messages(WORKER) if "Urgent" in (m.get("text") or "")]


async def test_an_ordinary_message_is_not_flagged(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "I'd kill for a cuppa, my feet are killing me after the walk")
    assert "passed it on to Sam Worker" in h.texts(PERSON)[-1], "not flagged: passed on like any message"
    assert [e.kind for e in await _rows(h, Escalation)] == ["message"]
    assert not [m for m in h.messages(WORKER) if "Urgent" in (m.get("text") or "")]


async def test_a_caption_is_screened_like_text(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
    await h.say(PERSON, "", photo=photo, caption="i want to kill myself")
    assert SIGNPOSTING in " ".join(h.texts(PERSON)[-2:])
    assert "Urgent" in _alert(h, WORKER)["text"]


async def test_the_crisis_numbers_come_in_the_persons_language(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"), language="Cymraeg", day="Dydd Llun")
    await h.say(PERSON, "dw i isio marw")
    signposting, told = h.texts(PERSON)[-2:]
    assert "ffoniwch <b>116 123</b>" in h.messages(PERSON)[-2]["text"] or "ffoniwch 116 123" in signposting
    assert "Sam Worker" in told and "ar unwaith" in told
    assert "Urgent" in _alert(h, WORKER)["text"]


def _edit(user_id: int, message_id: int, text: str) -> dict[str, Any]:
    return {"edited_message": {"message_id": message_id, "date": 1772442000, "edit_date": 1772442060,
                               "chat": {"id": user_id, "type": "private"},
                               "from": {"id": user_id, "is_bot": False, "first_name": "Alex"}, "text": text}}


async def test_risk_typed_into_an_edit_is_caught_but_an_edit_is_never_a_new_answer(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(days=7)
    sent = await h.say(PERSON, "ok")
    question = h.open_question(PERSON)
    await h.send_update(_edit(PERSON, sent["message"]["message_id"], "i want to kill myself"))
    assert SIGNPOSTING in h.texts(PERSON)[-3]
    assert "Urgent" in _alert(h, WORKER)["text"]
    assert not h.buttons(next(m for m in h.messages(PERSON) if m["message_id"] == question["message_id"]))
    await h.advance(days=7)
    question = h.open_question(PERSON)
    await h.send_update(_edit(PERSON, sent["message"]["message_id"], "Good"))
    assert "send it again" in h.texts(PERSON)[-1]
    assert h.open_question(PERSON)["message_id"] == question["message_id"]
    assert not [a for a in await _rows(h, Answer) if a.result == "mood"]


async def test_an_edited_command_does_not_run_again(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    sent = await h.say(WORKER, "/invite Alex")
    invites = len([t for t in h.texts(WORKER) if "start=" in t])
    await h.send_update(_edit(WORKER, sent["message"]["message_id"], "/invite Alexa"))
    assert len([t for t in h.texts(WORKER) if "start=" in t]) == invites
    assert "send it again" in h.texts(WORKER)[-1]


async def test_the_urgent_alert_also_goes_by_email_to_the_worker_and_the_duty_address() -> None:
    async with MailServer() as mail, Harness(email=mail.settings(),
                                             escalation={"duty_email": "duty@example.org"}) as h:
        await _enrolled(h)
        assert h.services is not None
        async with h.services.db.session() as session:
            await session.execute(update(Worker).values(email="sam@example.org"))
        h.clock.set(h.clock.now() + timedelta(days=5, hours=3))  # Saturday: out of hours
        await h.say(PERSON, "I want to kill myself <tonight>")
        await h.tick()  # the mailer runs with the jobs
        to = sorted(rcpt for _, rcpts in mail.envelopes for rcpt in rcpts)
        assert to == ["duty@example.org", "sam@example.org"]
        body = mail.text(mail.messages[0])
        assert "I want to kill myself <tonight>" in body and "Urgent" in mail.messages[0]["Subject"]
        assert "Alex" not in mail.messages[0]["Subject"]  # no name in a subject line


async def test_risk_in_the_end_of_support_free_text_is_kept_and_answered(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/discharge Alex")
    await h.tap(WORKER, "Yes")
    await h.advance(days=7)
    for _ in range(12):  # the measures, one tap each, until the free-text question
        question = h.open_question(PERSON)
        if not h.buttons(question) or h.buttons(question)[0]["text"] == "Skip":
            break
        await h.press(PERSON, question["message_id"], h.buttons(question)[0]["callback_data"])
    await h.say(PERSON, "I don't want to be here any more. I've been saving up my tablets.")
    texts = h.texts(PERSON)
    assert SIGNPOSTING in texts[-2] and "Thank you for everything" not in " ".join(texts[-2:])
    kept = [a for a in await _rows(h, Answer) if a.result == "finding_now"]
    assert kept and kept[0].text == "I don't want to be here any more. I've been saving up my tablets."
    assert "saving up my tablets" in _alert(h, WORKER)["text"]
