"""Enrolment through Telegram: worker link, /invite, the joining conversation and bad tokens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.store.models import CheckIn, Consent, Person
from bot.testing import Harness

WORKER, PERSON, OTHER = 501, 701, 702


async def _people(h: Harness) -> list[Person]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Person))).scalars())


async def test_worker_links_invites_and_person_joins(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER, "Sam Jones")
    assert "now linked as a link worker" in h.texts(WORKER)[-1]

    token = await h.invite(WORKER, "Alex <b>Smith</b>")
    worker_chat = h.messages(WORKER)
    assert "Invite for Alex <b>Smith</b>" in worker_chat[-2]["text"]  # shown literally, never as markup
    assert "https://t.me/checkin_sandbox_bot?start=" in worker_chat[-2]["text"]
    assert worker_chat[-1].get("photo"), "the QR code is sent as a photo"

    await h.say(PERSON, f"/start {token}")
    welcome, consent = h.texts(PERSON)[-2:]
    assert "Sam Jones is your link worker" in welcome
    assert "not a replacement for your GP" in welcome and "not watched around the clock" in welcome
    assert [b["text"] for b in h.buttons(h.messages(PERSON)[-1])] == ["Agree", "Not now"]

    await h.tap(PERSON, "Agree")
    assert h.texts(PERSON)[-2].endswith("Thank you — you agreed to check-ins.")
    assert not h.buttons(h.messages(PERSON)[-2]), "answered questions lose their buttons"
    await h.tap(PERSON, "English")
    await h.tap(PERSON, "Wednesday")
    await h.tap(PERSON, "14:00")
    assert "Wednesdays at 14:00" in h.texts(PERSON)[-1]
    assert "Alex <b>Smith</b> has joined" in h.texts(WORKER)[-1]

    [person] = await _people(h)
    assert (person.status, person.locale, person.checkin_day, person.checkin_time) == ("active", "en", 2, "14:00")
    assert h.services is not None
    async with h.services.db.session() as session:
        consent_row = (await session.execute(select(Consent))).scalar_one()
        checkin = (await session.execute(select(CheckIn))).scalar_one()
    assert consent_row.given and consent_row.version == h.settings.enrolment.consent_version
    assert consent_row.recorded_at == h.clock.now()
    assert checkin.status == "scheduled" and checkin.due_at.isoformat() == "2026-03-04T14:00:00+00:00"


async def test_used_token(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.join(PERSON, token)
    await h.say(OTHER, f"/start {token}")
    assert "already been used" in h.texts(OTHER)[-1]
    assert len(await _people(h)) == 1


async def test_expired_token(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    h.clock.advance(timedelta(days=15))
    await h.say(PERSON, f"/start {token}")
    assert "expired" in h.texts(PERSON)[-1]
    [person] = await _people(h)
    assert person.telegram_user_id is None and person.status == "invited"


async def test_unknown_and_malformed_tokens(harness: Harness) -> None:
    h = harness
    for bad in ("A" * 32, "not-a-token", "<script>", "x" * 200):
        await h.say(PERSON, f"/start {bad}")
        assert "don't recognise that link" in h.texts(PERSON)[-1]
    assert await _people(h) == []


async def test_consent_refused_then_given_later(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.say(PERSON, f"/start {token}")
    await h.tap(PERSON, "Not now")
    assert "I won't send you anything" in h.texts(PERSON)[-1]
    h.clock.advance(timedelta(days=3))
    assert (await h.tick()).sent == 0
    [person] = await _people(h)
    assert person.status == "invited" and person.onboarding == "consent"

    await h.say(PERSON, "/start")
    assert "Here is the question about check-ins again" in h.texts(PERSON)[-2]
    await h.tap(PERSON, "Agree")
    await h.tap(PERSON, "English")
    await h.tap(PERSON, "Monday")
    await h.tap(PERSON, "10:00")
    [person] = await _people(h)
    assert person.status == "active"
    assert h.services is not None
    async with h.services.db.session() as session:
        decisions = [c.given for c in (await session.execute(select(Consent).order_by(Consent.id))).scalars()]
    assert decisions == [False, True]


async def test_welsh_speaker_sees_welsh(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.join(PERSON, token, language="Cymraeg", day="Dydd Llun")
    assert h.texts(PERSON)[-1].startswith("Dyna ni, diolch")
    assert "Which" not in " ".join(h.texts(PERSON)[-3:]), "no English once Welsh is chosen"


async def test_second_tap_on_a_joining_button_changes_nothing(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.say(PERSON, f"/start {token}")
    consent = h.open_question(PERSON)
    await h.tap(PERSON, "Agree", consent)
    before = h.texts(PERSON)
    agree = h.buttons(consent)[0]["callback_data"]
    await h.press(PERSON, consent["message_id"], agree)
    assert h.texts(PERSON) == before
    answers = h.sandbox.state.callback_answers
    assert any("Already noted" in (a.get("text") or "") for a in answers)


async def test_a_linked_worker_gets_the_workers_command_menu(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    menus = [c["params"] for c in h.sandbox.state.calls if c["method"] == "setMyCommands"]
    worker_menu = next(m for m in menus if (m.get("scope") or {}).get("chat_id") == WORKER)
    assert {"invite", "people", "session", "discharge"} <= {c["command"] for c in worker_menu["commands"]}
    people_menus = [m for m in menus if "scope" not in m]
    assert {m.get("language_code") for m in people_menus} == {None, "cy"}
