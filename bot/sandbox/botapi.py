"""The bot side of the emulator: `/bot<token>/<method>` dispatch, faults, rate limits and the calls log."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from bot.sandbox import account, updates
from bot.sandbox.context import SandboxContext
from bot.sandbox.sending import METHODS as SENDING
from bot.sandbox.sending import Handler
from bot.sandbox.wire import ApiError, loggable, ok, read_params

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
METHODS: dict[str, Handler] = {**account.METHODS, **updates.METHODS, **SENDING}
BY_LOWER: dict[str, str] = {name.lower(): name for name in METHODS}
RATE_LIMITED = frozenset(n for n in METHODS if n.startswith("send") and n != "sendChatAction")


class DropConnection(Response):
    """Closes the TCP connection without any HTTP response (the "drop" fault)."""

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Abort the transport underneath the ASGI server, then wait for it to notice."""
        transport = getattr(getattr(receive, "__self__", None), "transport", None)
        if transport is None or not hasattr(transport, "abort"):
            raise RuntimeError("sandbox: this ASGI server does not let the drop fault abort the connection")
        transport.abort()
        while (await receive())["type"] != "http.disconnect":
            pass


def context(request: Request) -> SandboxContext:
    """The emulator context attached to the application."""
    ctx: SandboxContext = request.app.state.sandbox
    return ctx


async def bot_method(request: Request) -> Response:
    """Handle one Bot API call and log it."""
    ctx = context(request)
    token, raw_method = request.path_params["token"], request.path_params["method"]
    name = BY_LOWER.get(raw_method.lower(), raw_method)
    entry: dict[str, Any] = {"method": name, "params": {}, "status": None}
    ctx.state.calls.append(entry)
    ctx.state.touch()
    try:
        params = await read_params(request)
        entry["params"] = loggable(params)
        response = await _run(ctx, token, name, params)
    except ApiError as exc:
        response = exc.response()
    entry["status"] = 0 if isinstance(response, DropConnection) else response.status_code
    ctx.state.touch()
    return response


async def _run(ctx: SandboxContext, token: str, name: str, params: dict[str, Any]) -> Response:
    """Check token, method, faults and limits, then run the method."""
    if not TOKEN_RE.match(token):
        raise ApiError(401, "Unauthorized")
    handler = METHODS.get(name)
    if handler is None:
        raise ApiError(404, "Not Found")
    ctx.state.set_token(token)
    rule = ctx.faults.pick(name, params.get("chat_id"))
    if rule is not None:
        if rule.kind == "drop":
            return DropConnection()
        error = rule.error()
        if error is not None:
            return JSONResponse(error[1], status_code=error[0])
        with contextlib.suppress(TimeoutError):  # "timeout": hold the response back, then carry on
            await ctx.state.wait_for(lambda: ctx.state.closing, timeout=rule.delay)
    if name in RATE_LIMITED:
        retry_after = ctx.limiter.acquire(params.get("chat_id"))
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
    return ok(await handler(ctx, params))


async def not_found(request: Request) -> Response:
    """Any other path under /bot: Telegram's 404."""
    return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)


async def download_file(request: Request) -> Response:
    """GET /file/bot<token>/<file_path>: the bytes of a file the bot sent."""
    ctx = context(request)
    path = request.path_params["path"]
    if not TOKEN_RE.match(request.path_params["token"]):
        return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
    stored = next((f for f in ctx.state.files.values() if f.file_path == path), None)
    if stored is None:
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
    return Response(stored.data, media_type=stored.mime_type)
