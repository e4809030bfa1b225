"""The person's own controls: /time, /pause, /resume, /language, /stop (or typing STOP, or asking in plain
words to be left alone), and their taps.

Each handler only reads the update and runs one use case (``bot.usecases.controls`` for the commands,
``bot.usecases.controls_stop`` for stopping, ``bot.usecases.controls_taps`` for the ``ct:`` buttons); the
use cases queue every reply.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.usecases import controls, controls_stop, controls_taps
from bot.usecases.work import Work

STOP_WORD = re.compile(r"^\W*(stop|stopio)\W*$", re.IGNORECASE)  # English, and the Welsh "stopio"

# A whole message that asks, in plain words, not to be contacted: less certain than STOP, so asked once.
_POLITE = r"(?:please|pls|plz|just|now|again|any\W*more|thanks|thank\W+you|plis|os\W+gwelwch\W+yn\W+dda|eto|diolch)"
_NOT = r"(?:don[’']?t|dont|do\W+not|never)"
_PLEAS = (
    r"stop(?:io|iwch)?(?:\W+it)?",  # with a "please" round it (the bare word is STOP_WORD's)
    r"stop\W+(?:the\W+)?(?:messag\w*|text\w*|contact\w*|writ\w*(?:\W+to)?|bother\w*|pester\w*|check\W*ins?)"
    r"(?:\W+(?:me|to\W+me))?",
    r"stop\W+sending\W+(?:me\W+)?(?:messages|texts|anything|these|check\W*ins?)",
    r"leave\W+me\W+(?:alone|be)",
    r"unsubscribe(?:\W+me)?",
    r"opt\W+(?:me\W+)?out",
    rf"{_NOT}\W+(?:message|text|contact|write\W+to|send\W+me\W+(?:messages|anything))\W+me",
    r"no\W+more\W+(?:messages|texts|check\W*ins?)",
    r"peidiwch\W+(?:â|a|ag)\W+(?:ch|c)ysylltu(?:\W+(?:â|a|ag|gyda)\W+(?:mi|fi))?",
    r"peidiwch\W+(?:â|a|ag)\W+anfon\W+(?:negeseuon|dim\W+byd)(?:\W+(?:ata\W+i|ataf\W+i))?",
    r"stopiwch\W+(?:anfon(?:\W+negeseuon)?|gysylltu|cysylltu)(?:\W+(?:ata\W+i|â\W+mi))?",
    r"gadewch\W+(?:lonydd|llonydd)\W+i\W+(?:mi|fi)",
    r"dad\W*(?:d|t)anysgrifio",
    r"dim\W+mwy\W+o\W+negeseuon",
)
PLEASE_STOP = re.compile(rf"^\W*(?:{_POLITE}\W+)*(?:{'|'.join(_PLEAS)})(?:\W+{_POLITE})*\W*$", re.IGNORECASE)

Command = Callable[[Work, int, int], Awaitable[None]]


async def _command(update: Update, context: BotContext, case: Command) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await context.run(case, user.id, chat.id)


async def ask_time(update: Update, context: BotContext) -> None:
    """Handle /time: ask for the day, then the time, then how often."""
    await _command(update, context, controls.ask_time)


async def ask_pause(update: Update, context: BotContext) -> None:
    """Handle /pause: offer 1 week, 2 weeks, 1 month, until I say, or never mind."""
    await _command(update, context, controls.ask_pause)


async def resume(update: Update, context: BotContext) -> None:
    """Handle /resume: a paused person's check-ins start again at once."""
    await _command(update, context, controls.resume)


async def ask_language(update: Update, context: BotContext) -> None:
    """Handle /language: English or Cymraeg."""
    await _command(update, context, controls.ask_language)


async def ask_stop(update: Update, context: BotContext) -> None:
    """Handle /stop or the bare word STOP: ask to confirm before stopping everything."""
    await _command(update, context, controls_stop.ask_stop)


async def ask_if_stop(update: Update, context: BotContext) -> None:
    """Handle a plain request not to be contacted (``PLEASE_STOP``): ask once whether to stop check-ins."""
    await _command(update, context, controls_stop.ask_if_stop)


async def choose(update: Update, context: BotContext) -> None:
    """Handle a tap on a control's button (``ct:<kind>:<nonce>:<value>``)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    kind, nonce, value = buttons.decode(query.data, buttons.CONTROL) or ("", "", "")
    message_id = query.message.message_id if query.message is not None else None
    tap = await context.run(controls_taps.choose, query.from_user.id, chat.id, message_id, taps.shown_html(query),
                            kind, nonce, value)
    await taps.answer(query, tap)

