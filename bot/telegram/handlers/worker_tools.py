"""Worker tools: /caseload, /person, /ack, /workload, /reassign, /away and /back.

Thin: each reads the update and runs one use case (``bot.usecases.worker_tools*``); the role is checked there.
"""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers.caseload import asked
from bot.usecases import (
    worker_tools,
    worker_tools_ack,
    worker_tools_away,
    worker_tools_person,
    worker_tools_reassign,
    worker_tools_workload,
)


async def caseload(update: Update, context: BotContext) -> None:
    """Handle /caseload [all]: everyone the worker has, at a glance."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools.show_caseload, *asked_by, context.args or [])


async def person(update: Update, context: BotContext) -> None:
    """Handle /person <name or #id>: one person's history and a chart of their scores."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools_person.show_person, *asked_by, context.args or [])


async def ack(update: Update, context: BotContext) -> None:
    """Handle /ack [name or #id]: open items with their buttons."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools_ack.list_items, *asked_by, context.args or [])


async def workload(update: Update, context: BotContext) -> None:
    """Handle /workload (supervisors): each worker's caseload, open and overdue items."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools_workload.show_workload, *asked_by)


async def reassign(update: Update, context: BotContext) -> None:
    """Handle /reassign (supervisors): move a person, or a whole caseload, to another worker."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools_reassign.reassign, *asked_by, context.args or [])


async def away(update: Update, context: BotContext) -> None:
    """Handle /away <days>: the worker is on leave; their items go to whoever covers."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools_away.away, *asked_by, context.args or [])


async def back(update: Update, context: BotContext) -> None:
    """Handle /back: the worker has returned."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(worker_tools_away.back, *asked_by)
