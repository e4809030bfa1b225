"""The control side of the emulator (`/sandbox/...`): play users, inspect what the bot did, inject faults.

Playing users is in :mod:`bot.sandbox.control_users`, the request/reply plumbing in
:mod:`bot.sandbox.control_http`; here are inspection, faults, limits and the routes of them all.
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox.botapi import context
from bot.sandbox.control_http import ControlError, handles_errors, int_param, json_object
from bot.sandbox.control_users import add_user, block, post_update, press, unblock, user_message


async def chat_messages(request: Request) -> Any:
    """GET /sandbox/chats/{chat_id}/messages: what the bot shows in a chat, after edits and deletions."""
    return {"messages": context(request).state.chat_messages(int_param(request, "chat_id"))}


async def calls(request: Request) -> Any:
    """GET /sandbox/calls (DELETE clears the log)."""
    state = context(request).state
    if request.method == "DELETE":
        state.calls.clear()
        state.touch()
        return {"ok": True}
    return {"calls": copy.deepcopy(state.calls)}


async def faults(request: Request) -> Any:
    """POST /sandbox/faults adds a rule; GET lists them; DELETE removes all.

    A rule is {"kind": "429"|"500"|"502"|"403"|"drop"|"timeout", optional "rate" (0..1, default 1),
    "chat_id", "methods" (names, case-insensitive), "count" (fire this many times, then go),
    "nth" (fire only on the N-th call matching methods/chat_id since the rule was added, then go;
    not with "count" or a "rate" below 1), "retry_after" (429, default 5) and "delay" (timeout, default 10 s)}.
    Rules are listed with their "id" and "seen": how many calls have matched their filters so far.
    """
    ctx = context(request)
    if request.method == "DELETE":
        ctx.faults.clear()
        return {"ok": True}
    if request.method == "GET":
        return {"faults": [r.to_dict() for r in ctx.faults.rules]}
    try:
        return ctx.faults.add(await json_object(request)).to_dict()
    except ValueError as exc:
        raise ControlError(400, str(exc)) from exc


async def limits(request: Request) -> Any:
    """GET /sandbox/limits; POST changes some fields.

    Fields: max_text, max_caption, max_callback_data, overall_rate, overall_burst, per_chat_rate,
    per_chat_burst, enabled (rate limits on/off) and callback_query_ttl (seconds a callback query stays
    answerable, default 900, checked even when enabled is false; 0 makes every answer "query is too old").
    """
    ctx = context(request)
    if request.method == "POST":
        try:
            ctx.limits = ctx.limits.updated(await json_object(request))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from exc
    return ctx.limits.to_dict()


async def callback_answers(request: Request) -> Any:
    """GET /sandbox/callback_answers."""
    return {"answers": copy.deepcopy(context(request).state.callback_answers)}


async def reset(request: Request) -> Any:
    """POST /sandbox/reset: forget everything (limits configuration stays)."""
    context(request).reset()
    return {"ok": True}


async def health(request: Request) -> Any:
    """GET /sandbox/health."""
    return {"ok": True}


async def file_bytes(request: Request) -> Any:
    """GET /sandbox/files/{file_id}: the bytes the bot uploaded."""
    stored = context(request).state.files.get(request.path_params["file_id"])
    if stored is None:
        raise ControlError(404, "no such file")
    return Response(stored.data, media_type=stored.mime_type)


ROUTES = [
    Route("/sandbox/updates", handles_errors(post_update), methods=["POST"]),
    Route("/sandbox/users/{user_id}", handles_errors(add_user), methods=["POST"]),
    Route("/sandbox/users/{user_id}/messages", handles_errors(user_message), methods=["POST"]),
    Route("/sandbox/users/{user_id}/press", handles_errors(press), methods=["POST"]),
    Route("/sandbox/users/{user_id}/block", handles_errors(block), methods=["POST"]),
    Route("/sandbox/users/{user_id}/unblock", handles_errors(unblock), methods=["POST"]),
    Route("/sandbox/chats/{chat_id}/messages", handles_errors(chat_messages), methods=["GET"]),
    Route("/sandbox/calls", handles_errors(calls), methods=["GET", "DELETE"]),
    Route("/sandbox/faults", handles_errors(faults), methods=["GET", "POST", "DELETE"]),
    Route("/sandbox/limits", handles_errors(limits), methods=["GET", "POST"]),
    Route("/sandbox/callback_answers", handles_errors(callback_answers), methods=["GET"]),
    Route("/sandbox/reset", handles_errors(reset), methods=["POST"]),
    Route("/sandbox/health", handles_errors(health), methods=["GET"]),
    Route("/sandbox/files/{file_id}", handles_errors(file_bytes), methods=["GET"]),
]
