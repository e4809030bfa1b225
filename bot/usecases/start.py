"""/start: redeem a deep link (enrolment), or greet someone the bot already knows.

A person's invite leads into joining (the first question is asked straight away); a worker's link binds
their Telegram account. A bare /start (or a person's own, used, invite link) brings back someone who had
stopped or could not be reached (``bot.usecases.controls_back``), resumes joining, reassures a member, or
tells a stranger how to join.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.usecases import controls_back, enrolment, joining
from bot.usecases.work import Work


@dataclass(frozen=True)
class Started:
    """What /start did that the edge must finish: a newly linked worker's chat gets the workers' menu."""

    worker_linked: bool = False
    supervisor: bool = False


async def start(work: Work, user_id: int, chat_id: int, token: str | None) -> Started:
    """Handle /start with or without a deep-link token."""
    if token:
        redeemed = await enrolment.redeem_in(work.session, token, user_id, chat_id, work.now)
        if redeemed.outcome == "person" and redeemed.person is not None:
            person = redeemed.person
            work.send(chat_id, work.text(person.locale, "onboarding.welcome", name=person.display_name,
                                         worker=person.worker.name))
            joining.ask(work, chat_id, person)
            return Started()
        if redeemed.outcome == "worker" and redeemed.worker is not None:
            worker = redeemed.worker
            role = "supervisor" if worker.is_supervisor else "link worker"
            work.send(chat_id, work.text("en", "worker.linked", name=worker.name, role=role))
            return Started(worker_linked=True, supervisor=worker.is_supervisor)
        if redeemed.outcome in ("unknown", "expired", "used") and not await _known_again(work, user_id, redeemed):
            work.send(chat_id, work.text("en", f"enrol.{redeemed.outcome}"))
            return Started()
    await greet(work, user_id, chat_id)
    return Started()


async def _known_again(work: Work, user_id: int, redeemed: enrolment.Redeemed) -> bool:
    """A used link tapped by someone who already joined: greet them as a bare /start would."""
    return redeemed.outcome == "used" and await enrolment.person_for_user(work.session, user_id) is not None


async def greet(work: Work, user_id: int, chat_id: int) -> None:
    """A bare /start: welcome back, resume joining, reassure a member, or explain how to join."""
    person = await enrolment.person_for_user(work.session, user_id)
    if person is not None and person.status in controls_back.GONE:
        await controls_back.come_back(work, person, chat_id)
        return
    if person is not None and person.onboarding is not None:
        if person.onboarding == "consent":
            work.send(chat_id, work.text(person.locale, "onboarding.consent.again"))
        joining.ask(work, chat_id, person)
        return
    if person is not None:
        work.send(chat_id, work.text(person.locale, "onboarding.finish.already"))
        return
    if await enrolment.worker_for_user(work.session, user_id) is not None:
        work.send(chat_id, work.text("en", "worker.already_linked"))
    else:
        work.send(chat_id, work.text("en", "enrol.not_enrolled"))
