"""The one layout of an item's buttons, wherever it is shown (an urgent alert, a digest, ``/ack``).

An urgent (risk) item has only Acknowledge, which then asks what was done; every other item has
Acknowledge, I've contacted them and Remind me tomorrow. "Message them" is added when the person can be
messaged through the bot.
"""

from __future__ import annotations

from bot.core import buttons
from bot.core.escalation import ITEM_ACTIONS, URGENT
from bot.delivery.outbox import Button, Keyboard, grid
from bot.store.models import Escalation, Person
from bot.usecases.relay import can_message
from bot.usecases.work import Work

EN = "en"


def item_keyboard(work: Work, item: Escalation, person: Person | None) -> Keyboard:
    """The buttons for ``item`` about ``person``."""
    actions = ("ack",) if item.kind == URGENT else ITEM_ACTIONS
    pairs: list[Button] = [(work.text(EN, f"digest.buttons.{action}"), buttons.item(item.id, action))
                           for action in actions]
    if person is not None and can_message(person):
        pairs.append((work.text(EN, "digest.buttons.message"), buttons.relay(person.id, "o")))
    return grid(pairs, per_row=2)
