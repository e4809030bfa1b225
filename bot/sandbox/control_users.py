"""Playing users on the control side: raw updates, messages, button presses, new and blocking users."""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from typing import Any

from starlette.requests import Request

from bot.sandbox.botapi import context
from bot.sandbox.context import SandboxContext
from bot.sandbox.control_http import ControlError, int_param, json_object
from bot.sandbox.formatting import command_entities
from bot.sandbox.validation import short_chat


def chat_instance(bot_id: int, chat_id: int) -> str:
    """A stable chat_instance string for a chat."""
    return str(int(hashlib.sha1(f"{bot_id}:{chat_id}".encode()).hexdigest()[:15], 16))


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
