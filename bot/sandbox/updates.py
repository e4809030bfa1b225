"""Getting updates to the bot: getUpdates long polling, webhook settings, and webhook delivery."""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.sandbox.context import SandboxContext
from bot.sandbox.state import PendingUpdate, SandboxState
from bot.sandbox.wire import ApiError, bad_request

Handler = Callable[[SandboxContext, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger("bot.sandbox")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_POLL = 50.0
CONFLICT_POLL = ("Conflict: terminated by other getUpdates request; "
                 "make sure that only one bot instance is running")
CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")


def _int(p: dict[str, Any], name: str, default: int) -> int:
    """An integer parameter; 400 when it is not one."""
    value = p.get(name, default)
    if value is None or value == "":
        return default
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f'field "{name}" must be of type Integer')
    return int(value)


def _available(state: SandboxState, allowed: list[str] | None) -> list[PendingUpdate]:
    """Queued updates the bot asked for."""
    return [p for p in state.pending if state.wanted(p.update, allowed)]


async def get_updates(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getUpdates with offsets and real long polling; a newer concurrent call ends this one with 409."""
    state = ctx.state
    if state.webhook.url:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = _int(p, "offset", 0)
    limit = min(max(_int(p, "limit", 100), 1), 100)
    timeout = min(max(_int(p, "timeout", 0), 0), MAX_POLL)
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(a) for a in allowed]
    if offset:
        state.confirm(offset)
    state.poll_seq += 1
    me = state.poll_seq
    state.touch()

    def ready() -> bool:
        return (state.poll_seq != me or state.closing or bool(state.webhook.url)
                or bool(_available(state, state.allowed_updates)))

    with contextlib.suppress(TimeoutError):
        await state.wait_for(ready, timeout=timeout)
    if state.poll_seq != me:
        raise ApiError(409, CONFLICT_POLL)
    if state.webhook.url:
        return []
    batch = [copy.deepcopy(item.update) for item in _available(state, state.allowed_updates)[:limit]]
    for update in batch:
        state.mark_delivered(update)
    return batch


async def set_webhook(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """setWebhook (plain http:// URLs are accepted too, so local endpoints work)."""
    url = p.get("url") or ""
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret not in (None, "") and not (isinstance(secret, str) and SECRET_RE.match(secret)):
        raise bad_request("secret token contains unallowed characters")
    wh = ctx.state.webhook
    wh.url, wh.secret_token = url, secret or None
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        wh.allowed_updates = [str(a) for a in allowed]
    max_connections = p.get("max_connections")
    if isinstance(max_connections, int) and not isinstance(max_connections, bool):
        wh.max_connections = max_connections
    wh.last_error_date = wh.last_error_message = None
    wh.version += 1
    if p.get("drop_pending_updates") is True:
        ctx.state.pending.clear()
    ctx.state.touch()
    return True


async def delete_webhook(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """deleteWebhook."""
    wh = ctx.state.webhook
    wh.url, wh.secret_token, wh.version = "", None, wh.version + 1
    if p.get("drop_pending_updates") is True:
        ctx.state.pending.clear()
    ctx.state.touch()
    return True


async def get_webhook_info(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getWebhookInfo."""
    wh = ctx.state.webhook
    info: dict[str, Any] = {"url": wh.url, "has_custom_certificate": False,
                            "pending_update_count": len(ctx.state.pending)}
    if wh.url:
        info["max_connections"] = wh.max_connections
        if wh.allowed_updates is not None:
            info["allowed_updates"] = wh.allowed_updates
        if wh.last_error_date is not None:
            info["last_error_date"] = wh.last_error_date
            info["last_error_message"] = wh.last_error_message
    return info


def _config_changed(state: SandboxState, version: int) -> Callable[[], bool]:
    """A predicate: the webhook was reconfigured (or the emulator is closing)."""
    return lambda: state.closing or state.webhook.version != version


async def deliver_webhooks(state: SandboxState, client: httpx.AsyncClient) -> None:
    """Forever: POST queued updates, in order, to the webhook; retry with backoff on failure."""
    backoff = 0.0
    while not state.closing:
        await state.wait_for(lambda: state.closing or bool(state.webhook.url and state.pending), timeout=None)
        if state.closing:
            return
        wh = state.webhook
        item = state.pending[0]
        if not state.wanted(item.update, wh.allowed_updates):
            state.pending.remove(item)
            continue
        headers = {"X-Telegram-Bot-Api-Secret-Token": wh.secret_token} if wh.secret_token else {}
        version = wh.version
        try:
            response = await client.post(wh.url, json=item.update, headers=headers, timeout=10.0)
            error = None if response.is_success else (
                f"Wrong response from the webhook: {response.status_code}")
        except httpx.HTTPError as exc:
            error = f"Connection failed: {type(exc).__name__}"
        if error is None:
            if item in state.pending:
                state.pending.remove(item)
            state.mark_delivered(item.update)
            backoff = 0.0
            state.touch()
            continue
        wh.last_error_date, wh.last_error_message = int(time.time()), error
        log.warning("sandbox: webhook delivery failed (%s); retrying", error)
        state.touch()
        backoff = min(max(backoff * 2, 0.25), 10.0)
        with contextlib.suppress(TimeoutError):
            await state.wait_for(_config_changed(state, version), timeout=backoff)


METHODS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
