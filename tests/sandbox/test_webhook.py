"""Webhook delivery to a real local HTTP endpoint: secret header, order, retries."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot

from bot.sandbox.server import RunningASGI, RunningSandbox
from bot.sandbox.state import Changed

USER = 4004


class Receiver:
    """A webhook endpoint that records what it gets and can fail the first few requests."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.fail_first = fail_first
        self.changed = Changed()
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        if self.fail_first > 0:
            self.fail_first -= 1
            return Response(status_code=503)
        self.received.append((request.headers.get("x-telegram-bot-api-secret-token"), await request.json()))
        self.changed.notify()
        return Response()

    async def wait_for(self, count: int) -> None:
        while len(self.received) < count:
            assert await self.changed.wait(5.0), f"webhook got {len(self.received)} of {count} updates"


async def test_webhook_delivery_with_secret(sb: RunningSandbox, bot: Bot) -> None:
    receiver = Receiver()
    async with RunningASGI(receiver.app) as endpoint:
        assert await bot.set_webhook(f"{endpoint.url}/hook", secret_token="s3cret-token")
        first = await sb.client.say(USER, "/start")
        second = await sb.client.say(USER, "hello")
        await receiver.wait_for(2)
        assert [r[0] for r in receiver.received] == ["s3cret-token"] * 2
        assert [r[1]["update_id"] for r in receiver.received] == [first["update_id"], second["update_id"]]
        assert receiver.received[1][1]["message"]["text"] == "hello"
        await sb.state.wait_for(lambda: not sb.state.pending)  # removed once the endpoint answered
        assert {first["update_id"], second["update_id"]} <= sb.state.delivered_update_ids
        assert (await bot.get_webhook_info()).pending_update_count == 0
        await bot.delete_webhook()


async def test_webhook_retries_in_order(sb: RunningSandbox, bot: Bot) -> None:
    receiver = Receiver(fail_first=2)
    async with RunningASGI(receiver.app) as endpoint:
        ids = [(await sb.client.say(USER, f"m{i}"))["update_id"] for i in range(3)]
        assert await bot.set_webhook(f"{endpoint.url}/hook")
        await receiver.wait_for(3)
        assert [r[1]["update_id"] for r in receiver.received] == ids
        assert receiver.received[0][0] is None  # no secret set, no header
        await bot.delete_webhook()
