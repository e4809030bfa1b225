"""The mailer against a real SMTP server on loopback (``bot.testing_mail``): queued emails arrive as plain text
with an HTML alternative; a server that is down or refuses leaves them waiting, retried with backoff; two
claimers never take the same row; nothing is queued while email is off; no password or body is logged."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery.mailer import Mailer
from bot.store.models import Email
from bot.testing import Harness
from bot.testing_mail import MailServer
from bot.usecases.work import Work, perform

PASSWORD = "correct-horse-battery"


@pytest.fixture
async def mail() -> AsyncIterator[MailServer]:
    async with MailServer() as server:
        yield server


@pytest.fixture
async def h(database_url: str | None, mail: MailServer) -> AsyncIterator[Harness]:
    async with Harness(database_url, email=mail.settings(retry_max_minutes=4)) as harness:
        yield harness


async def _queue(work: Work, to: str, subject: str, text: str, html: str | None) -> bool:
    return work.email(to, subject, text, html)


async def _email(h: Harness, to: str = "sam@riverside.example", subject: str = "Your follow-ups",
                 text: str = "Two open items.", html: str | None = "<p>Two open items.</p>") -> bool:
    assert h.services is not None
    return await perform(h.services, _queue, to, subject, text, html)


async def _rows(h: Harness) -> list[Email]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Email).order_by(Email.id))).scalars())


async def test_a_queued_email_arrives_as_plain_text_with_an_html_alternative(h: Harness, mail: MailServer) -> None:
    assert await _email(h)
    report = await h.tick()
    assert report.emails == 1
    [message] = mail.messages
    assert message["To"] == "sam@riverside.example"
    assert message["From"] == "digests@riverside.example"
    assert message["Subject"] == "Your follow-ups"
    assert message.get_content_type() == "multipart/alternative"
    assert mail.text(message).strip() == "Two open items."
    assert mail.html(message).strip() == "<p>Two open items.</p>"
    [row] = await _rows(h)
    assert (row.status, row.attempts, row.sent_at, row.error) == ("sent", 1, h.clock.now(), None)
    assert (await h.tick()).emails == 0, "sent once"
    assert len(mail.messages) == 1


async def test_a_server_that_is_down_leaves_the_email_waiting_and_retries_with_backoff(
        database_url: str | None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with MailServer(login=("bot", PASSWORD)) as mail, \
            Harness(database_url, email=mail.settings(retry_max_minutes=4)) as h:
        await mail.stop()
        assert await _email(h, text="Private words about Alex")
        waits = []
        for _ in range(5):
            assert (await h.tick()).emails == 0
            [row] = await _rows(h)
            assert row.status == "pending"
            assert row.error and PASSWORD not in row.error and "Alex" not in row.error
            waits.append(row.not_before - h.clock.now())
            assert (await h.tick()).emails == 0
            assert (await _rows(h))[0].attempts == len(waits), "not tried again before its time"
            h.clock.set(row.not_before)
        assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 4, 4)], "doubling, capped at retry_max_minutes"
        await mail.start()  # back, on the same port
        assert (await h.tick()).emails == 1
        [row] = await _rows(h)
        assert (row.status, row.attempts, row.error) == ("sent", 6, None)
        assert mail.text(mail.messages[0]).strip() == "Private words about Alex"
    logged = caplog.text
    assert PASSWORD not in logged and "Private words" not in logged and "sam@riverside" not in logged


async def test_a_wrong_password_is_a_failure_that_waits(database_url: str | None) -> None:
    async with MailServer(login=("bot", PASSWORD)) as mail, \
            Harness(database_url, email=mail.settings(password="not-it")) as h:
        assert await _email(h)
        assert (await h.tick()).emails == 0
        [row] = await _rows(h)
        assert (row.status, row.error) == ("pending", "SMTPAuthenticationError 535")
        assert mail.messages == []


async def test_a_refused_recipient_waits_alone(h: Harness, mail: MailServer) -> None:
    mail.refused.add("gone@riverside.example")
    assert await _email(h, to="gone@riverside.example")
    assert await _email(h, to="sam@riverside.example")
    assert (await h.tick()).emails == 1
    gone, sam = await _rows(h)
    assert (gone.status, gone.attempts) == ("pending", 1)
    assert gone.error is not None and "550" in gone.error
    assert sam.status == "sent"
    assert [to for _, to in mail.envelopes] == [["sam@riverside.example"]]


async def test_two_mailers_never_claim_the_same_email_and_a_dead_claim_comes_back(h: Harness) -> None:
    assert h.services is not None
    assert await _email(h)
    one = Mailer(h.services.db, h.clock, h.services.settings.email)
    two = Mailer(h.services.db, h.clock, h.services.settings.email)
    assert [row.id for row in await one.claim(10)] != []
    assert await two.claim(10) == [], "claimed by the first"
    h.clock.advance(one.lease)  # the first died mid-send: once its lease is over the row is free again
    assert len(await two.claim(10)) == 1
    [row] = await _rows(h)
    assert (row.status, row.attempts) == ("sending", 2)


async def test_nothing_is_queued_while_email_is_off(database_url: str | None) -> None:
    async with Harness(database_url) as h:
        assert not await _email(h)
        assert await _rows(h) == []
        assert (await h.tick()).emails == 0
