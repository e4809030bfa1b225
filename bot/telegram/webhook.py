"""Webhook mode: Telegram posts updates here; each is committed to the inbox before the 200 goes back."""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.store.db import UNAVAILABLE
from bot.telegram.receive import Receiver

log = logging.getLogger("bot.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(receiver: Receiver, path: str, secret: str) -> Starlette:
    """A small web app: ``POST <path>`` takes updates (with the secret header), ``GET /health`` answers ok."""

    async def take(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret token refused")
            return PlainTextResponse("forbidden", status_code=403)
        try:
            raw = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return PlainTextResponse("not an update", status_code=400)
        try:
            await receiver.accept(raw)
        except UNAVAILABLE as exc:  # not stored: Telegram keeps it and delivers it again
            log.error("update %s not stored: database unavailable (%s)", raw["update_id"], type(exc).__name__)
            return PlainTextResponse("try again", status_code=503)
        return PlainTextResponse("ok")

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route(path or "/", take, methods=["POST"]), Route("/health", health)])
