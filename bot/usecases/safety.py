"""Screening what people write, and answering risk and distress (design §5).

Every text and caption from a service user or from someone not enrolled is screened before anything else
reads it. Risk gets the crisis numbers at once (urgent priority, in the person's language), a plain word on
who has been told, and an urgent alert (:mod:`bot.usecases.alerts`); distress gets a kind reply and an item
in the worker's next digest. The check-in the person was in is left as it was, so it carries on; nothing
they tap closes a risk item, only a worker's acknowledgement does.

Every promise is true for the person's state: the reply names who was told, and when they will see it.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.core.escalation import next_digest_at
from bot.core.screening import Screening
from bot.delivery.outbox import URGENT
from bot.store.models import CheckIn, Person, Worker
from bot.usecases import alerts, answers, routing
from bot.usecases.digests import digest_time
from bot.usecases.escalations import raise_escalation
from bot.usecases.programme import replan
from bot.usecases.wording import local_when
from bot.usecases.work import Work

EVIDENCE_CHARS = 4096
"""Telegram's longest message: what a person wrote is kept whole as evidence."""


def screen(work: Work, text: str) -> Screening:
    """The screener's reading of ``text``."""
    return work.services.screener.screen(text)


def _evidence(text: str, screening: Screening, where: str) -> dict[str, object]:
    return {"text": text[:EVIDENCE_CHARS], "reasons": list(screening.reasons), "where": where}


async def respond_person(work: Work, person: Person, chat_id: int, text: str, screening: Screening,
                         where: str = "message") -> None:
    """Answer risk or distress in what ``person`` wrote (nothing for ``none``); ``where`` is kept as evidence
    (``message``, ``caption``, ``answer``, ``edited``)."""
    if screening.level == "risk":
        await _risk(work, person, chat_id, text, screening, where)
    elif screening.level == "distress":
        await _distress(work, person, chat_id, text, screening, where)


async def _risk(work: Work, person: Person, chat_id: int, text: str, screening: Screening, where: str) -> None:
    locale = person.locale
    if person.telegram_user_id is not None and where in ("message", "edited"):
        await answers.keep(work, person.telegram_user_id, text)  # an answer its step takes is kept
    work.send(chat_id, work.text(locale, "safety.signposting"), priority=URGENT)
    escalation = await raise_escalation(work.session, person, "risk", _evidence(text, screening, where), work.now)
    routed = await alerts.alert_person(work, escalation, person, text, list(screening.reasons))
    others = [to for to, _ in routed.recipients if routed.later is None or to.id != routed.later.id]
    if routed.later is not None:
        when = _when_working(work, person)
        key = "safety.told_worker_later" if others else "safety.told_worker_later_alone"
        work.send(chat_id, work.text(locale, key, worker=routed.later.name, when=when), priority=URGENT)
    elif routed.recipients:
        to, why = routed.recipients[0]
        key = "safety.told_worker" if not why else "safety.told_duty"
        work.send(chat_id, work.text(locale, key, worker=to.name), priority=URGENT)
    else:
        work.send(chat_id, work.text(locale, "safety.told_nobody"), priority=URGENT)
    await _set_checkin_aside(work, person, chat_id)


async def _set_checkin_aside(work: Work, person: Person, chat_id: int) -> None:
    """Close the check-in the person was in, kindly: what they answered is kept, its buttons go, the next
    one is planned as usual."""
    checkin = (await work.session.execute(
        select(CheckIn).where(CheckIn.person_id == person.id, CheckIn.status == "open").with_for_update()
    )).scalar_one_or_none()
    if checkin is None:
        return
    checkin.status, checkin.closed_at = "cancelled", work.now
    work.unbutton(chat_id, checkin.message_id)
    await work.session.flush()
    await replan(work.session, person, work.now, work.services.programme)
    work.send(chat_id, work.text(person.locale, "safety.checkin_aside"))


async def _distress(work: Work, person: Person, chat_id: int, text: str, screening: Screening,
                    where: str) -> None:
    await raise_escalation(work.session, person, "distress", _evidence(text, screening, where), work.now)
    reader = await routing.covering(work.session, work.services.settings, person.worker, work.now)
    if reader is None:
        work.send(chat_id, work.text(person.locale, "safety.distress_stranger"))
        return
    work.send(chat_id, work.text(person.locale, "safety.distress", worker=reader.name,
                                 when=next_digest(work, person, reader)))


def _when_working(work: Work, person: Person) -> str:
    """When working time next begins, in the person's words."""
    settings = work.services.settings
    start = routing.working_time(settings).next_open(routing.local(settings, work.now))
    return local_when(work, person.locale, start, person.timezone)


def next_digest(work: Work, person: Person, reader: Worker) -> str:
    """When ``reader``'s next digest goes out (it will hold this item), in the person's words."""
    settings = work.services.settings
    local_now = routing.local(settings, work.now)
    moment = next_digest_at(local_now, digest_time(work, reader), routing.working_time(settings))
    if moment.date() == local_now.date():
        return work.text(person.locale, "safety.when_soon")
    return work.text(person.locale, "safety.when_on", when=local_when(work, person.locale, moment, person.timezone))


async def respond_stranger(work: Work, user_id: int, username: str | None, chat_id: int, text: str,
                           screening: Screening) -> bool:
    """Answer risk or distress from someone not enrolled; True when a reply was queued."""
    if screening.level == "risk":
        work.send(chat_id, work.text("en", "safety.signposting"), priority=URGENT)
        told = await alerts.alert_stranger(work, user_id, username, text, list(screening.reasons))
        work.send(chat_id, work.text("en", "safety.told_duty" if told else "safety.told_nobody"), priority=URGENT)
        return True
    if screening.level == "distress":
        work.send(chat_id, work.text("en", "safety.distress_stranger"))
        return True
    return False
