"""Bot API methods that show things in chats: send*, edit*, delete*, answerCallbackQuery, getFile."""

from __future__ import annotations

import copy
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.context import SandboxContext
from bot.sandbox.media import media_object, store_file
from bot.sandbox.validation import formatted, new_message, reply_markup, require_chat, target_message
from bot.sandbox.wire import bad_request

Handler = Callable[[SandboxContext, dict[str, Any]], Awaitable[Any]]
NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly the "
                "same as a current content and reply markup of the message")
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
MEDIA_KINDS = ("photo", "document", "audio", "voice", "video", "animation", "sticker", "video_note")


async def send_message(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """sendMessage."""
    chat = require_chat(ctx, p)
    text, entities = formatted(p, "text", ctx.limits.max_text, required=True)
    markup = reply_markup(ctx, p.get("reply_markup"))
    return new_message(ctx, chat, {"text": text, "entities": entities}, markup)


def media_sender(kind: str) -> Handler:
    """A handler for send<Kind> (sendPhoto, sendDocument, ...)."""
    async def send(ctx: SandboxContext, p: dict[str, Any]) -> Any:
        chat = require_chat(ctx, p)
        content: dict[str, Any] = {}
        if kind not in ("sticker", "video_note"):
            caption, entities = formatted(p, "caption", ctx.limits.max_caption, required=False)
            content = {"caption": caption, "caption_entities": entities}
        markup = reply_markup(ctx, p.get("reply_markup"))
        stored = store_file(ctx.state, kind, p.get(kind), p)
        return new_message(ctx, chat, {kind: media_object(kind, stored), **content}, markup)
    send.__doc__ = f"send{kind.title().replace('_', '')}."
    return send


async def send_location(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """sendLocation."""
    chat = require_chat(ctx, p)
    lat, lon = p.get("latitude"), p.get("longitude")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        raise bad_request("wrong latitude or longitude specified")
    markup = reply_markup(ctx, p.get("reply_markup"))
    return new_message(ctx, chat, {"location": {"latitude": lat, "longitude": lon}}, markup)


async def send_contact(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """sendContact."""
    chat = require_chat(ctx, p)
    if not p.get("phone_number") or not p.get("first_name"):
        raise bad_request("phone number and first name must be non-empty")
    contact = {k: p[k] for k in ("phone_number", "first_name", "last_name", "vcard") if p.get(k)}
    return new_message(ctx, chat, {"contact": contact}, reply_markup(ctx, p.get("reply_markup")))


async def send_chat_action(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """sendChatAction."""
    require_chat(ctx, p)
    if not p.get("action"):
        raise bad_request("wrong parameter action in request")
    return True


def _apply_edit(msg: dict[str, Any], changes: dict[str, Any], markup: dict[str, Any] | None) -> Any:
    """Apply an edit unless it changes nothing (Telegram's "message is not modified")."""
    same = all(msg.get(k) == (v or None) for k, v in changes.items()) and msg.get("reply_markup") == markup
    if same:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value:
            msg[key] = value
        else:
            msg.pop(key, None)
    if markup:
        msg["reply_markup"] = markup
    else:
        msg.pop("reply_markup", None)
    msg["edit_date"] = int(time.time())
    return copy.deepcopy(msg)


async def edit_message_text(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """editMessageText."""
    msg = target_message(ctx, p, "edit")
    text, entities = formatted(p, "text", ctx.limits.max_text, required=True)
    markup = reply_markup(ctx, p.get("reply_markup"))
    if "text" not in msg:
        raise bad_request("there is no text in the message to edit")
    result = _apply_edit(msg, {"text": text, "entities": entities}, markup)
    ctx.state.touch()
    return result


async def edit_message_caption(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """editMessageCaption."""
    msg = target_message(ctx, p, "edit")
    caption, entities = formatted(p, "caption", ctx.limits.max_caption, required=False)
    markup = reply_markup(ctx, p.get("reply_markup"))
    if not any(k in msg for k in MEDIA_KINDS):
        raise bad_request("there is no caption in the message to edit")
    result = _apply_edit(msg, {"caption": caption, "caption_entities": entities}, markup)
    ctx.state.touch()
    return result


async def edit_message_reply_markup(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """editMessageReplyMarkup."""
    msg = target_message(ctx, p, "edit")
    result = _apply_edit(msg, {}, reply_markup(ctx, p.get("reply_markup")))
    ctx.state.touch()
    return result


async def delete_message(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """deleteMessage."""
    msg = target_message(ctx, p, "delete")
    ctx.state.messages[msg["chat"]["id"]].remove(msg)
    ctx.state.touch()
    return True


async def delete_messages(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """deleteMessages."""
    chat = require_chat(ctx, p)
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    shown = ctx.state.messages.get(chat["id"], [])
    shown[:] = [m for m in shown if m["message_id"] not in ids]
    ctx.state.touch()
    return True


async def answer_callback_query(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """answerCallbackQuery: the query must exist, be unanswered and younger than `callback_query_ttl`."""
    qid = str(p.get("callback_query_id", ""))
    query = ctx.state.callback_queries.get(qid)
    if (query is None or query.get("answered")
            or ctx.limiter.clock() - query["created"] >= ctx.limits.callback_query_ttl):
        raise bad_request(QUERY_TOO_OLD)
    query["answered"] = True
    ctx.state.callback_answers.append({"callback_query_id": qid, "text": p.get("text"),
                                       "show_alert": bool(p.get("show_alert", False)),
                                       "url": p.get("url"), "cache_time": p.get("cache_time")})
    ctx.state.touch()
    return True


async def get_file(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getFile."""
    stored = ctx.state.files.get(str(p.get("file_id", "")))
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.as_file()


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    **{f"send{k.title().replace('_', '')}": media_sender(k) for k in MEDIA_KINDS},
    "sendLocation": send_location,
    "sendContact": send_contact,
    "sendChatAction": send_chat_action,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
}
