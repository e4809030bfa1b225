"""The control side of the emulator (`/sandbox/...`): play users, inspect what the bot did, inject faults."""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.sandbox.botapi import context
from bot.sandbox.context import SandboxContext
from bot.sandbox.formatting import command_entities
from bot.sandbox.state import UnencodableUpdate, json_problem
from bot.sandbox.validation import short_chat


class ControlError(Exception):
    """A control-side request was wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def fail(exc: ControlError) -> JSONResponse:
    """A control-side error reply."""
    return JSONResponse({"ok": False, "error": exc.message}, status_code=exc.status)


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object ({} when empty).

    400 when it holds something that cannot be sent back as UTF-8 JSON (a lone surrogate such as
    "\\ud800", NaN or Infinity), before anything is changed: such a value would break every reply
    (and every getUpdates) that repeats it.
    """
    body = await request.body()
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise ControlError(400, f"body is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ControlError(400, "body must be a JSON object")
    problem = json_problem(value)
    if problem is not None:
        raise ControlError(400, f"body cannot be encoded as UTF-8 JSON: {problem}")
    return value


def int_param(request: Request, name: str) -> int:
    """An integer path parameter (negative ids allowed, for groups)."""
    try:
        return int(request.path_params[name])
    except ValueError as exc:
        raise ControlError(404, f"{name} must be an integer") from exc


def chat_instance(bot_id: int, chat_id: int) -> str:
    """A stable chat_instance string for a chat."""
    return str(int(hashlib.sha1(f"{bot_id}:{chat_id}".encode()).hexdigest()[:15], 16))


def handles_errors(fn: Any) -> Any:
    """Turn ControlError (and an update refused as unencodable) into a JSON error reply."""
    async def endpoint(request: Request) -> Response:
        try:
            result = await fn(request)
        except ControlError as exc:
            return fail(exc)
        except UnencodableUpdate as exc:
            return fail(ControlError(400, str(exc)))
        return result if isinstance(result, Response) else JSONResponse(result)
    endpoint.__doc__ = fn.__doc__
    return endpoint


async def post_update(request: Request) -> Any:
    """POST /sandbox/updates: queue a raw Update as given.

    400 (and nothing queued) when it cannot be sent as UTF-8 JSON, e.g. text with a lone surrogate.
    A `callback_query` with an `id` becomes answerable, aging from now (see Limits.callback_query_ttl).
    """
    ctx = context(request)
    update = ctx.state.add_update(await json_object(request))
    query = update.get("callback_query")
    if isinstance(query, dict):
        _remember_raw_query(ctx, query)
    return update


def _remember_raw_query(ctx: SandboxContext, query: dict[str, Any]) -> None:
    """Make a callback query from a raw update answerable (when it has an id)."""
    qid = query.get("id")
    if not isinstance(qid, str | int) or isinstance(qid, bool):
        return
    user, msg = query.get("from"), query.get("message")
    chat = msg.get("chat") if isinstance(msg, dict) else None
    ctx.state.add_callback_query(str(qid), {
        "user_id": user.get("id") if isinstance(user, dict) else None,
        "chat_id": chat.get("id") if isinstance(chat, dict) else None,
        "message_id": msg.get("message_id") if isinstance(msg, dict) else None,
    }, ctx.limiter.clock())


def _user(request: Request, uid: int, body: dict[str, Any]) -> dict[str, Any]:
    """The User object for a simulated person, remembering any names given."""
    state = context(request).state
    known = state.users.get(uid, {})
    first_name = body.pop("first_name", None) or known.get("first_name") or f"User{uid}"
    user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
    for key in ("last_name", "username", "language_code"):
        value = body.pop(key, None) or known.get(key)
        if value:
            user[key] = value
    state.remember_user(user)
    return user


async def user_message(request: Request) -> Any:
    """POST /sandbox/users/{user_id}/messages: a message from a person (private chat unless "chat" given).

    400 (and nothing queued or remembered) when the body cannot be sent as UTF-8 JSON.
    """
    ctx = context(request)
    state, uid, body = ctx.state, int_param(request, "user_id"), await json_object(request)
    user = _user(request, uid, body)
    state.blocked.discard(uid)  # writing to the bot again restarts it
    chat = body.pop("chat", None)
    if isinstance(chat, dict) and "id" in chat:
        state.remember_chat(chat)
    else:
        chat = state.chats[uid]
    chat_id = chat["id"] if isinstance(chat["id"], int) else uid
    msg: dict[str, Any] = {"message_id": state.next_message_id(chat_id), "from": user,
                           "chat": short_chat(chat), "date": int(time.time())}
    text = body.pop("text", None)
    if text is not None:
        msg["text"] = text
        entities = command_entities(text) if isinstance(text, str) else []
        if entities:
            msg["entities"] = entities
    msg.update(body)
    update = state.add_update({"message": copy.deepcopy(msg)})
    state.user_messages.setdefault(chat_id, []).append(msg)
    return update


async def press(request: Request) -> Any:
    """POST /sandbox/users/{user_id}/press: tap an inline button (even one no longer shown).

    The query is answerable once, until it is `callback_query_ttl` seconds old (GET/POST /sandbox/limits).
    """
    ctx = context(request)
    state, uid, body = ctx.state, int_param(request, "user_id"), await json_object(request)
    chat_id = body.get("chat_id", uid)
    msg = state.find_message(chat_id, body.get("message_id"))
    if msg is None:
        raise ControlError(404, f"no bot message {body.get('message_id')!r} in chat {chat_id}")
    user = _user(request, uid, {})
    qid = f"{state.unique()}{secrets.randbelow(10**12):012d}"
    query: dict[str, Any] = {"id": qid, "from": user, "message": copy.deepcopy(msg),
                             "chat_instance": chat_instance(state.bot_id, chat_id)}
    data = body.get("data")
    if data is not None:
        query["data"] = data
    update = state.add_update({"callback_query": query})
    state.add_callback_query(qid, {"user_id": uid, "chat_id": chat_id, "message_id": msg["message_id"]},
                             ctx.limiter.clock())
    keyboard = (msg.get("reply_markup") or {}).get("inline_keyboard", [])
    present = any(b.get("callback_data") == data for row in keyboard for b in row)
    return {"update": update, "button_present": present}


async def add_user(request: Request) -> Any:
    """POST /sandbox/users/{user_id} ``{"first_name": …, "language_code": …}``: a person who has opened a private
    chat with the bot (so it can write to them) without sending it anything."""
    body = await json_object(request)
    user = {"id": int_param(request, "user_id"), "is_bot": False,
            "first_name": str(body.get("first_name") or "User")}
    if body.get("language_code"):
        user["language_code"] = str(body["language_code"])
    state = context(request).state
    state.remember_user(user)
    state.touch()
    return {"ok": True, "user": user}


async def block(request: Request) -> Any:
    """POST /sandbox/users/{user_id}/block: the person blocks the bot."""
    state = context(request).state
    state.blocked.add(int_param(request, "user_id"))
    state.touch()
    return {"ok": True}


async def unblock(request: Request) -> Any:
    """POST /sandbox/users/{user_id}/unblock."""
    state = context(request).state
    state.blocked.discard(int_param(request, "user_id"))
    state.touch()
    return {"ok": True}


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
