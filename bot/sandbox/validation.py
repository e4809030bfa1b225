"""Checks the Bot API applies to outgoing messages: target chat, text, caption and reply markup."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from bot.sandbox.context import SandboxContext
from bot.sandbox.faults import BLOCKED
from bot.sandbox.formatting import ParseError, format_text, utf16_len
from bot.sandbox.wire import ApiError, bad_request

BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                  "callback_game", "pay")
CHAT_FIELDS = ("id", "type", "title", "username", "first_name", "last_name", "is_forum")


def require_chat(ctx: SandboxContext, p: dict[str, Any]) -> dict[str, Any]:
    """The chat a call targets; 400 when unknown, 403 when the user blocked the bot."""
    chat_id = p.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    chat = ctx.state.find_chat(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    if chat["id"] in ctx.state.blocked:
        raise ApiError(403, BLOCKED)
    return chat


def short_chat(chat: dict[str, Any]) -> dict[str, Any]:
    """The Chat object embedded in a Message."""
    return {k: chat[k] for k in CHAT_FIELDS if k in chat}


def formatted(p: dict[str, Any], field: str, limit: int, *,
              required: bool) -> tuple[str, list[dict[str, Any]]]:
    """Text or caption after entity parsing, checked against Telegram's limits."""
    raw = p.get(field)
    if raw is None or raw == "":
        if required:
            raise bad_request("message text is empty")
        return "", []
    if not isinstance(raw, str):
        raw = json.dumps(raw) if isinstance(raw, dict | list) else str(raw)
    entities_field = "entities" if field == "text" else "caption_entities"
    try:
        plain, entities = format_text(raw, p.get("parse_mode"), p.get(entities_field))
    except ParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    if not plain and required:
        raise bad_request("message text is empty")
    if utf16_len(plain) > limit:
        raise bad_request("message is too long" if field == "text" else "message caption is too long")
    return plain, entities


def _button(ctx: SandboxContext, button: Any) -> None:
    """Validate one inline keyboard button."""
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [a for a in BUTTON_ACTIONS if a in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: "
                          "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request("can't parse inline keyboard button: "
                          "exactly one of the optional fields must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= ctx.limits.max_callback_data:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and (not isinstance(button["url"], str) or not button["url"].strip()):
        raise bad_request("BUTTON_URL_INVALID")


def reply_markup(ctx: SandboxContext, markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup; the inline keyboard to show on the message, if any."""
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError as exc:
            raise bad_request("can't parse reply keyboard markup JSON object") from exc
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup '
                              'should be an Array of Arrays')
        for row in rows:
            for button in row:
                _button(ctx, button)
        return {"inline_keyboard": rows} if any(rows) else None
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
        return None
    if "remove_keyboard" in markup or "force_reply" in markup:
        return None
    raise bad_request("can't parse reply keyboard markup JSON object")


def new_message(ctx: SandboxContext, chat: dict[str, Any], content: dict[str, Any],
                markup: dict[str, Any] | None) -> dict[str, Any]:
    """Create and store a message the bot sends."""
    state = ctx.state
    msg: dict[str, Any] = {"message_id": state.next_message_id(chat["id"]), "from": state.bot_user(),
                           "chat": short_chat(chat), "date": int(time.time())}
    msg.update({k: v for k, v in content.items() if v not in (None, "", [])})
    if markup:
        msg["reply_markup"] = markup
    state.messages.setdefault(chat["id"], []).append(msg)
    state.touch()
    return copy.deepcopy(msg)


def target_message(ctx: SandboxContext, p: dict[str, Any], verb: str) -> dict[str, Any]:
    """The bot message an edit or delete refers to."""
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = require_chat(ctx, p)
    msg = ctx.state.find_message(chat["id"], p.get("message_id"))
    if msg is None:
        raise bad_request(f"message to {verb} not found")
    return msg
