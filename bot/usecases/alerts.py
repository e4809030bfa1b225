"""Urgent alerts: a risk message reaches a human at once, and goes further while nobody acknowledges it.

Who gets it (one policy, :mod:`bot.usecases.routing`):

- in working hours, the person's worker; if they are away or deactivated, whoever covers for them;
- outside working hours, the worker (they see it when back) and the duty contact at once;
- someone not enrolled: the duty contact (or, with none configured, every supervisor);
- unacknowledged after ``escalation.ack_minutes``: the worker's supervisor, else the duty contact
  (:func:`forward_due`, run by the follow-up job).

Alerts go by Telegram (urgent priority, ahead of routine messages) and by email where the recipient has an
address and email is configured; ``escalation.duty_email`` gets every alert that goes to the duty contact.
"""

from __future__ import annotations

import html as markup
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlalchemy import select

from bot.core.screening.excerpt import excerpt
from bot.delivery.outbox import URGENT, Keyboard
from bot.store.models import Escalation, Person, Worker
from bot.usecases import routing
from bot.usecases.item_buttons import item_keyboard
from bot.usecases.reasons import reasons_text
from bot.usecases.work import Work
from bot.usecases.worker_lookup import short_when

EN = "en"


@dataclass
class Routed:
    """Where an alert went: ``recipients`` (workers), whether it is out of hours, and who the person's own
    worker is when they will only see it later."""

    recipients: list[tuple[Worker, str]] = field(default_factory=list)
    """Each worker with why they get it (``""`` for the person's own worker in hours)."""
    out_of_hours: bool = False
    later: Worker | None = None
    """The person's worker, when they get it now but will only see it when working time starts."""
    duty_email: bool = False


def _time(work: Work, at: datetime) -> str:
    """When, for a worker who may read it days later: "Tue 3 Mar 14:05"."""
    return short_when(work.services, at)


QUOTE_CHARS = 2000
"""A long message is shortened in a Telegram alert (its start, every flagged sentence, its end), so the
alert stays within Telegram's 4,096 characters; the email and the item's evidence keep it whole."""


def quote(work: Work, text: str) -> str:
    """What a person wrote, shortened for an alert without losing what made it alarming."""
    return excerpt(work.services.screener, text, QUOTE_CHARS)


def _reasons(work: Work, reasons: list[str]) -> Markup:
    """Why it was flagged, in words (each rule's description with its id), already escaped."""
    return Markup(reasons_text(work, reasons))


async def route(work: Work, person: Person) -> Routed:
    """Who gets an urgent alert about ``person`` now, and why."""
    settings = work.services.settings
    worker = person.worker
    in_hours = routing.working_time(settings).is_open(routing.local(settings, work.now))
    routed = Routed(out_of_hours=not in_hours)
    present = routing.is_present(worker, work.now) and worker.telegram_user_id is not None
    if in_hours:
        if present:
            routed.recipients.append((worker, ""))
        else:
            cover = await routing.supervisor_of(work.session, settings, worker, work.now)
            if cover is not None:
                routed.recipients.append((cover, work.text(EN, "safety.alert.why_away", worker=worker.name)))
        return routed
    if present:
        routed.recipients.append((worker, ""))
        routed.later = worker
    why = work.text(EN, "safety.alert.why_out_of_hours")
    for duty in await routing.on_duty(work.session, settings, work.now):
        if duty.id != worker.id:
            routed.recipients.append((duty, why))
    routed.duty_email = bool(settings.escalation.duty_email)
    return routed


def _send(work: Work, to: Worker, text: str, keyboard: Keyboard, subject: str, email: str | None = None) -> bool:
    """Queue the alert to one worker (Telegram, and email with ``email`` or the same text); False when they
    can be reached by neither."""
    sent = False
    if to.telegram_user_id is not None:
        work.send(to.telegram_user_id, text, keyboard, priority=URGENT)
        sent = True
    return work.email(to.email, subject, _plain(email or text)) or sent


def _plain(html: str) -> str:
    """The alert as plain text for email (the tags it uses, without markup; entities unescaped)."""
    return markup.unescape(re.sub(r"<[^>]+>", "", html))


def _person_alert(work: Work, person: Person, text: str, reasons: list[str], at: datetime, why: str) -> str:
    if not why:
        return work.text(EN, "safety.alert.person", name=person.display_name, person_id=person.id,
                         time=_time(work, at), text=text, reasons=_reasons(work, reasons))
    return work.text(EN, "safety.alert.covering", name=person.display_name, person_id=person.id,
                     worker=person.worker.name, time=_time(work, at), text=text, reasons=_reasons(work, reasons),
                     why_you=why)


async def alert_person(work: Work, escalation: Escalation, person: Person, text: str,
                       reasons: list[str]) -> Routed:
    """Alert whoever should hear now about ``person``'s risk message; records who, on the escalation."""
    routed = await route(work, person)
    keyboard = item_keyboard(work, escalation, person)
    subject = work.text(EN, "safety.alert.email_subject", person_id=person.id)
    reached = []
    for to, why in routed.recipients:
        short = _person_alert(work, person, quote(work, text), reasons, work.now, why)
        if _send(work, to, short, keyboard, subject, _person_alert(work, person, text, reasons, work.now, why)):
            reached.append(to.id)
    if routed.duty_email:
        work.email(work.services.settings.escalation.duty_email, subject,
                   _plain(_person_alert(work, person, text, reasons, work.now,
                                        work.text(EN, "safety.alert.why_out_of_hours"))))
    routed.recipients = [(to, why) for to, why in routed.recipients if to.id in reached]
    escalation.alerted_at = escalation.alerted_at or work.now
    escalation.evidence = {**escalation.evidence, "alerted": [*escalation.evidence.get("alerted", []), *reached]}
    return routed


async def alert_stranger(work: Work, user_id: int, username: str | None, text: str, reasons: list[str]) -> bool:
    """Alert the duty contact (or every supervisor) about a risk message from someone not enrolled."""
    who = f"@{username}" if username else f"user {user_id}"
    body = work.text(EN, "safety.alert.stranger", who=who, time=_time(work, work.now), text=quote(work, text),
                     reasons=_reasons(work, reasons))
    subject = work.text(EN, "safety.alert.email_subject_stranger")
    duties = await routing.on_duty(work.session, work.services.settings, work.now)
    reached = [_send(work, duty, body, [], subject) for duty in duties]
    duty_email = work.email(work.services.settings.escalation.duty_email, subject, _plain(body))
    return any(reached) or duty_email


async def forward_due(work: Work, batch: int) -> int:
    """Send urgent alerts that nobody acknowledged within ``escalation.ack_minutes`` on to the supervisor
    (else the duty contact); each goes on once. Returns how many were forwarded."""
    settings = work.services.settings
    before = work.now - timedelta(minutes=settings.escalation.ack_minutes)
    due = (await work.session.execute(
        select(Escalation).where(Escalation.kind == "risk", Escalation.status == "open",
                                 Escalation.forwarded_at.is_(None), Escalation.alerted_at.is_not(None),
                                 Escalation.alerted_at <= before)
        .order_by(Escalation.alerted_at).limit(batch).with_for_update(skip_locked=True)
    )).scalars().all()
    for escalation in due:
        person = await work.session.get(Person, escalation.person_id)
        escalation.forwarded_at = work.now
        if person is None:
            continue
        alerted = set(escalation.evidence.get("alerted", []))
        cover = await routing.supervisor_of(work.session, settings, person.worker, work.now)
        targets = [cover] if cover is not None and cover.id not in alerted else []
        targets += [w for w in await routing.on_duty(work.session, settings, work.now)
                    if w.id not in alerted and all(w.id != t.id for t in targets)]
        latest = (escalation.evidence.get("items") or [{}])[-1]
        why = work.text(EN, "safety.alert.why_unacknowledged", minutes=settings.escalation.ack_minutes)
        body = _person_alert(work, person, quote(work, str(latest.get("text", ""))), list(latest.get("reasons", [])),
                             escalation.alerted_at or work.now, why)
        subject = work.text(EN, "safety.alert.email_subject", person_id=person.id)
        keyboard = item_keyboard(work, escalation, person)
        forwarded = [t.id for t in targets[:1] if _send(work, t, body, keyboard, subject)]
        if settings.escalation.duty_email:
            work.email(settings.escalation.duty_email, subject, _plain(body))
        escalation.evidence = {**escalation.evidence, "forwarded": forwarded}
    return len(due)
