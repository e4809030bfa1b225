"""The bot's connection to the Bot API: HTTP pools, rate limiting, and tolerance of malformed updates."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

log = logging.getLogger("bot.telegram")


def _parses(bot: ExtBot[Any], raw: Any) -> bool:
    try:
        return Update.de_json(raw, bot) is not None
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


class TolerantBot(ExtBot[Any]):
    """An ExtBot that replaces updates it cannot parse with empty ones, instead of failing the whole batch.

    python-telegram-bot parses a getUpdates batch in one go; one malformed update makes it fail, log the
    raw batch (people's messages included) and fetch the same batch again, forever. Here a malformed
    update becomes a bare ``{"update_id": N}``, so the offset moves past it and nothing is logged but its id.
    """

    async def _do_post(self, endpoint: str, data: Any, **kwargs: Any) -> Any:
        result = await super()._do_post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        cleaned: list[Any] = []
        for raw in result:
            if _parses(self, raw):
                cleaned.append(raw)
                continue
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.warning("skipped a malformed update (update_id %s)", update_id)
            if isinstance(update_id, int):
                cleaned.append({"update_id": update_id})
        return cleaned


def build_bot(token: str, base_url: str, send_timeout: float = 15.0) -> TolerantBot:
    """A bot with its own connection pools for sending and for long polling.

    It does no pacing of its own: the outbox drain keeps to Telegram's limits (``bot.delivery.pacing``).
    """
    request = HTTPXRequest(connection_pool_size=32, connect_timeout=min(10.0, send_timeout),
                           read_timeout=send_timeout, write_timeout=send_timeout, pool_timeout=5)
    polling = HTTPXRequest(connection_pool_size=1, connect_timeout=10, read_timeout=40, write_timeout=15)
    file_url = base_url.removesuffix("/bot") + "/file/bot" if "api.telegram.org" not in base_url else None
    return TolerantBot(
        token, base_url=base_url, base_file_url=file_url or "https://api.telegram.org/file/bot",
        request=request, get_updates_request=polling,
    )


async def fetch_updates(bot: TolerantBot, offset: int | None, timeout: int) -> list[dict[str, Any]]:
    """One long poll for raw updates (malformed ones already reduced to their id), without confirming any
    beyond ``offset``: the caller moves the offset only once it has stored what came."""
    data = {"timeout": timeout, "offset": offset}
    result = await bot._post("getUpdates", data, read_timeout=15 + timeout)  # raw JSON, to store as it came
    return [raw for raw in result if isinstance(raw, dict)] if isinstance(result, list) else []


def parses(bot: ExtBot[Any], raw: Any) -> bool:
    """Whether python-telegram-bot can read this raw update."""
    return _parses(bot, raw)
