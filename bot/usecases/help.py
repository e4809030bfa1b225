"""/help: what the service is, how to reach the link worker, and the crisis numbers — for anyone; workers get
the worker commands."""

from __future__ import annotations

from markupsafe import Markup

from bot.usecases.enrolment import person_for_user, worker_for_user
from bot.usecases.work import Work


async def show_help(work: Work, user_id: int, chat_id: int) -> None:
    """Members see their worker's name (in their language), anyone else how to join."""
    person = await person_for_user(work.session, user_id)
    worker = await worker_for_user(work.session, user_id) if person is None else None
    if worker is not None:
        work.send(chat_id, work.text("en", "help.worker", supervisor=worker.is_supervisor,
                                     crisis=Markup(work.text("en", "help.crisis"))))
        return
    locale = person.locale if person is not None else "en"
    crisis = Markup(work.text(locale, "help.crisis"))
    if person is None:
        work.send(chat_id, work.text(locale, "help.stranger", crisis=crisis))
    else:
        work.send(chat_id, work.text(locale, "help.member", worker=person.worker.name, crisis=crisis))
