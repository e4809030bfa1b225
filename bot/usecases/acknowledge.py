"""A worker acting on an item: an urgent alert or a digest item (``es:<escalation>:<action>`` buttons).

An urgent (risk) alert is acknowledged by saying what was done: spoke to them, referred to a crisis or
mental health team, safeguarding referral, could not reach them, or no action needed (then why, typed).
That answer goes in the safeguarding log with the time, and closes the item. Other items are acknowledged,
marked "I've contacted them" (both close it) or snoozed until tomorrow's digest.

Only the person's worker, whoever was alerted (supervisor, duty contact) or a supervisor may act; anyone
else is refused, without learning anything, and the attempt is audited. A second tap changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from bot.core import buttons
from bot.core.escalation import ITEM_ACTIONS, NEEDS_NOTE, RISK_ACTIONS, URGENT, is_action
from bot.store.models import AuditEvent, Escalation, SafeguardingEntry, Worker
from bot.usecases import access, relay, routing
from bot.usecases.enrolment import worker_for_user
from bot.usecases.work import Tap, Work

EN = "en"
NOTE = "note:"


def _allowed(work: Work, worker: Worker, escalation: Escalation) -> bool:
    told = {*escalation.evidence.get("alerted", []), *escalation.evidence.get("forwarded", [])}
    return (escalation.worker_id == worker.id or worker.is_supervisor or worker.id in told
            or worker.id == work.services.settings.escalation.duty_worker_id)


def _audit(work: Work, actor: str, action: str, worker_id: int | None, person_id: int | None) -> None:
    work.session.add(AuditEvent(at=work.now, actor=actor, action=action, worker_id=worker_id, person_id=person_id))


async def _locked(work: Work, escalation_id: int) -> Escalation | None:
    return (await work.session.execute(
        select(Escalation).where(Escalation.id == escalation_id).with_for_update()
        .execution_options(populate_existing=True))).scalar_one_or_none()


def _time(work: Work, at: datetime | None) -> str:
    return routing.local(work.services.settings, at or work.now).strftime("%H:%M")


async def _already(work: Work, escalation: Escalation) -> str:
    if escalation.acknowledged_by is None:
        return work.text(EN, "safety.ack.gone")
    by = await work.session.get(Worker, escalation.acknowledged_by)
    reason = str(escalation.evidence.get("closed", {}).get("reason", ""))
    done = work.text(EN, f"safety.ack.done.{reason}") if reason in (*RISK_ACTIONS, *ITEM_ACTIONS) else ""
    return work.text(EN, "safety.ack.already", worker=by.name if by else "?",
                     time=_time(work, escalation.acknowledged_at), done=done)


async def act(work: Work, user_id: int, chat_id: int, message_id: int, shown: str, escalation_id: int,
              action: str) -> Tap:
    """A tap on an item's button; ``shown`` is the tapped message as HTML (kept, with the outcome added)."""
    worker = await worker_for_user(work.session, user_id)
    escalation = await _locked(work, escalation_id)
    if worker is None or escalation is None or not _allowed(work, worker, escalation):
        about = escalation.person_id if escalation is not None and worker is not None else None
        return Tap(access.refuse(work, await access.actor_for(work, user_id), "item_action", "safety.ack.not_yours",
                                 worker_id=worker.id if worker else None, person_id=about), alert=True)
    if not is_action(escalation.kind, action):
        return Tap(work.text(EN, "common.unknown_button"))
    if escalation.status != "open":  # an old copy (another recipient's, or tapped twice): nothing changes
        work.unbutton(chat_id, message_id)
        return Tap(await _already(work, escalation), alert=True)
    if escalation.kind == URGENT:
        return await _urgent(work, worker, chat_id, message_id, shown, escalation, action)
    return _item(work, worker, chat_id, message_id, shown, escalation, action)


async def _urgent(work: Work, worker: Worker, chat_id: int, message_id: int, shown: str, escalation: Escalation,
                  action: str) -> Tap:
    if action == "ack":
        choices = [[(work.text(EN, f"safety.ack.{choice}"), buttons.item(escalation.id, choice))]
                   for choice in RISK_ACTIONS]
        work.edit(chat_id, message_id, f"{shown}\n\n{work.text(EN, 'safety.ack.ask')}", choices)
        return Tap()
    if action == NEEDS_NOTE:
        worker.awaiting = f"{NOTE}{escalation.id}"
        base = _without_question(work, shown)
        escalation.evidence = {**escalation.evidence, "note_asked": {"chat": chat_id, "message": message_id,
                                                                    "shown": base}}
        work.edit(chat_id, message_id, f"{base}\n\n{work.text(EN, 'safety.ack.waiting_note')}")
        work.send(chat_id, work.text(EN, "safety.ack.ask_note"))
        return Tap()
    line = _record(work, worker, escalation, action, None)
    work.edit(chat_id, message_id, f"{_without_question(work, shown)}\n\n{line}")
    return Tap(line)


def _without_question(work: Work, shown: str) -> str:
    """The alert as it was before "What was done?" was added to it."""
    return shown.removesuffix(f"\n\n{work.text(EN, 'safety.ack.ask')}")


def _record(work: Work, worker: Worker, escalation: Escalation, action: str, note: str | None) -> str:
    """Close an urgent item with what was done: the safeguarding log, the item and the audit trail."""
    work.session.add(SafeguardingEntry(at=work.now, escalation_id=escalation.id, person_id=escalation.person_id,
                                       worker_id=worker.id, action=action, note=note))
    _close(work, worker, escalation, action)
    label = work.text(EN, f"safety.ack.done.{action}")
    if note:
        return work.text(EN, "safety.ack.recorded_note", worker=worker.name, time=_time(work, work.now),
                         action=label, note=note)
    return work.text(EN, "safety.ack.recorded", worker=worker.name, time=_time(work, work.now), action=label)


def _close(work: Work, worker: Worker, escalation: Escalation, action: str) -> None:
    escalation.status = "closed"
    escalation.acknowledged_at = work.now
    escalation.acknowledged_by = worker.id
    escalation.evidence = {**escalation.evidence,
                           "closed": {"at": work.now.isoformat(), "reason": action, "by": worker.id}}
    _audit(work, f"worker:{worker.id}", f"item_{action}", worker.id, escalation.person_id)


def _item(work: Work, worker: Worker, chat_id: int, message_id: int, shown: str, escalation: Escalation,
          action: str) -> Tap:
    if action == "tomorrow":  # back in the next working day's digest
        settings = work.services.settings
        local = routing.local(settings, work.now)
        day = routing.working_time(settings).working_day_after(local.date())
        escalation.snoozed_until = datetime.combine(day, time(0, 0), local.tzinfo)
        _audit(work, f"worker:{worker.id}", "item_snoozed", worker.id, escalation.person_id)
        if day == local.date() + timedelta(days=1):
            line = work.text(EN, "safety.ack.item_tomorrow")
        else:
            line = work.text(EN, "safety.ack.item_later", day=work.text(EN, f"common.days.{day.weekday()}"))
    else:
        _close(work, worker, escalation, action)
        line = work.text(EN, f"safety.ack.item_{action}", worker=worker.name)
    work.edit(chat_id, message_id, f"{shown}\n\n{line}")
    return Tap(line)


async def record_note(work: Work, worker: Worker, escalation_id: int, text: str) -> None:
    """The typed reason why no action was needed on an urgent alert: logged, and the item closed. A
    conversation the worker had open with someone ("Message them") carries on."""
    worker.awaiting = await relay.resumed(work, worker)
    chat_id = worker.telegram_user_id
    escalation = await _locked(work, escalation_id)
    if chat_id is None or escalation is None or not _allowed(work, worker, escalation):
        return
    if escalation.status != "open":
        work.send(chat_id, await _already(work, escalation))
        return
    line = _record(work, worker, escalation, NEEDS_NOTE, text.strip()[:2000])
    asked = escalation.evidence.get("note_asked")
    if isinstance(asked, dict):
        work.edit(int(asked["chat"]), int(asked["message"]), f"{asked['shown']}\n\n{line}")
    work.send(chat_id, line)
