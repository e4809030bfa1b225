"""Why the screener flagged a message, in words a worker reads: each rule's plain ``about`` description, with
its id in brackets for the clinical safety officer, e.g. "Wanting to die … (suicide.wish_to_die)".

Shared by the digest and the urgent alerts.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.usecases.work import Work

EN = "en"


def _about(work: Work, rule_id: str) -> str | None:
    try:
        return work.services.screener.rule(rule_id).about or None
    except KeyError:  # a rule since renamed or removed: its id is all there is
        return None


def reasons_text(work: Work, reasons: Sequence[str]) -> str:
    """The rules that flagged a message, each "about (id)" (just the id when the rule is unknown), "; " between;
    "screening" when there are none.

    Rendered HTML, escaped once: put it into another message as ``markupsafe.Markup(...)`` (or ``plain`` it
    for an email's text part), never as a plain string, or it is escaped twice.
    """
    rules = [{"id": str(rule_id), "about": _about(work, str(rule_id))} for rule_id in reasons]
    return work.text(EN, "digest.reasons", rules=rules)
