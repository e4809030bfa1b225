"""/person <name or #id>: one person's history for their worker — joined, status, goal and activity,
sessions, open items, recent answers, scores over time — and the scores as a small chart (a photo)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.store.models import Answer, Appointment, CheckIn, Escalation, Person, Score
from bot.usecases import caseload
from bot.usecases.digest_items import typed
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import lookup, paginate, short_when, status_label
from bot.usecases.worker_tools import when_or_never
from bot.usecases.worker_tools_chart import scores_chart
from bot.usecases.worker_tools_facts import kind_label, score_text

SESSIONS_SHOWN = 5
CHECKINS_SHOWN = 3
SCORES_SHOWN = 8


async def show_person(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/person <name or #id>: the history in text, then the scores chart when there are any."""
    named = await lookup(work, user_id, words, "person", "worker_tools.person_usage")
    if isinstance(named, str):
        work.send(chat_id, named)
        return
    person = named.person
    caseload.audit_worker(work.session, named.worker, "person_viewed", work.now, person)
    scores = list((await work.session.execute(
        select(Score).where(Score.person_id == person.id).order_by(Score.recorded_at, Score.id))).scalars())
    lines = [*await _sessions(work, person), *await _items(work, person), *await _answers(work, person),
             *_scores(work, scores)]
    for page in paginate(_heading(work, person), lines):
        work.send(chat_id, page)
    chart = scores_chart(work.services, person, scores)
    if chart is not None:
        work.send(chat_id, work.text(EN, "worker_tools.chart_caption", name=person.display_name), photo=chart)


def _heading(work: Work, person: Person) -> str:
    joined = person.joined_at
    return work.text(EN, "worker_tools.person_heading", id=person.id, name=person.display_name,
                     status=status_label(work.services, person.status), worker=person.worker.name,
                     joined=None if joined is None else short_when(work.services, joined),
                     ended=None if person.support_ended_at is None else short_when(work.services,
                                                                                     person.support_ended_at),
                     goal=person.goal, activity=person.activity)


async def _sessions(work: Work, person: Person) -> list[str]:
    rows = list((await work.session.execute(
        select(Appointment).where(Appointment.person_id == person.id, Appointment.status != "cancelled")
        .order_by(Appointment.at.desc()).limit(SESSIONS_SHOWN))).scalars())
    if not rows:
        return [work.text(EN, "worker_tools.person_no_sessions")]
    lines = [work.text(EN, "worker_tools.person_sessions")]
    for row in reversed(rows):
        state = "next" if row.at > work.now else row.status
        key = f"worker_tools.session_status.{state}"
        lines.append(work.text(EN, "worker_tools.person_session", when=short_when(work.services, row.at),
                               place=row.place,
                               status=work.text(EN, key) if work.services.messages.has(key) else state))
    return lines


async def _items(work: Work, person: Person) -> list[str]:
    rows = list((await work.session.execute(
        select(Escalation).where(Escalation.person_id == person.id, Escalation.status == "open")
        .order_by(Escalation.opened_at))).scalars())
    if not rows:
        return [work.text(EN, "worker_tools.person_no_items")]
    return [work.text(EN, "worker_tools.person_items"),
            *(work.text(EN, "worker_tools.person_item", kind=kind_label(work.services, row.kind),
                        since=short_when(work.services, row.opened_at)) for row in rows)]


async def _answers(work: Work, person: Person) -> list[str]:
    checkins = list((await work.session.execute(
        select(CheckIn).where(CheckIn.person_id == person.id,
                              select(Answer.id).where(Answer.checkin_id == CheckIn.id).exists())
        .order_by(CheckIn.due_at.desc(), CheckIn.id.desc()).limit(CHECKINS_SHOWN))).scalars())
    if not checkins:
        return [work.text(EN, "worker_tools.person_no_answers")]
    lines = [work.text(EN, "worker_tools.person_answers")]
    for checkin in reversed(checkins):
        answers = list((await work.session.execute(
            select(Answer).where(Answer.checkin_id == checkin.id).order_by(Answer.recorded_at, Answer.id)
        )).scalars())
        lines.append(work.text(EN, "worker_tools.person_checkin", flow=_flow_label(work, checkin.flow_id),
                               when=when_or_never(work.services, answers[-1].recorded_at)))
        lines.extend(work.text(EN, "worker_tools.person_answer", result=_result_label(work, a.result),
                               value=a.value, typed=None if a.text is None else typed(work, a.text))
                     for a in answers)
    return lines


def _scores(work: Work, scores: Sequence[Score]) -> list[str]:
    if not scores:
        return [work.text(EN, "worker_tools.no_scores")]
    lines = [work.text(EN, "worker_tools.person_scores")]
    for score in scores[-SCORES_SHOWN:]:
        lines.append(work.text(EN, "worker_tools.person_score", when=short_when(work.services, score.recorded_at),
                               score=score_text(work.services, score)))
    return lines


def _flow_label(work: Work, flow_id: str) -> str:
    key = f"worker_tools.flows.{flow_id}"
    return work.text(EN, key) if work.services.messages.has(key) else flow_id


def _result_label(work: Work, result: str) -> str:
    key = f"worker_tools.results.{result}"
    return work.text(EN, key) if work.services.messages.has(key) else result.replace("_", " ")
