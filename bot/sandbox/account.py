"""Bot API methods about the bot itself and its chats: getMe, commands, menu button, getChat, descriptions."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.context import SandboxContext
from bot.sandbox.validation import require_chat
from bot.sandbox.wire import bad_request

Handler = Callable[[SandboxContext, dict[str, Any]], Awaitable[Any]]
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
NO_GIFTS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
            "premium_subscription": False, "gifts_from_channels": False}


async def get_me(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getMe."""
    return {**ctx.state.bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}


async def true(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """Methods that only answer true (logOut, close)."""
    return True


def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
    """Commands are kept per scope and language."""
    scope = p.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


async def set_my_commands(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """setMyCommands."""
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for cmd in commands:
        if not isinstance(cmd, dict) or not COMMAND_RE.match(str(cmd.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(cmd.get("description"), str) or not 1 <= len(cmd["description"]) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _commands_key(p)
    if commands:
        ctx.state.commands[key] = [{"command": c["command"], "description": c["description"]}
                                   for c in commands]
    else:
        ctx.state.commands.pop(key, None)
    ctx.state.touch()
    return True


async def get_my_commands(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getMyCommands."""
    return ctx.state.commands.get(_commands_key(p), [])


async def delete_my_commands(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """deleteMyCommands."""
    ctx.state.commands.pop(_commands_key(p), None)
    ctx.state.touch()
    return True


async def set_chat_menu_button(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """setChatMenuButton."""
    chat_id = p.get("chat_id")
    if chat_id not in (None, ""):
        require_chat(ctx, p)
    button = p.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    ctx.state.menu_buttons[str(chat_id or "")] = button
    ctx.state.touch()
    return True


async def get_chat_menu_button(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getChatMenuButton."""
    buttons = ctx.state.menu_buttons
    return buttons.get(str(p.get("chat_id") or ""), buttons.get("", {"type": "default"}))


async def get_chat(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getChat (ChatFullInfo of a chat the emulator knows)."""
    chat = ctx.state.find_chat(p.get("chat_id"))
    if chat is None:
        raise bad_request("chat not found")
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": NO_GIFTS}


async def get_chat_member(ctx: SandboxContext, p: dict[str, Any]) -> Any:
    """getChatMember (everyone known is a plain member; the bot itself is an administrator)."""
    chat = ctx.state.find_chat(p.get("chat_id"))
    if chat is None:
        raise bad_request("chat not found")
    uid = p.get("user_id")
    if uid == ctx.state.bot_id:
        return {"status": "member", "user": ctx.state.bot_user()}
    user = ctx.state.users.get(uid) if isinstance(uid, int) else None
    if user is None:
        raise bad_request("user not found")
    status = "kicked" if uid in ctx.state.blocked and chat["id"] == uid else "member"
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        member["until_date"] = 0
    return member


def text_setting(field: str, limit: int) -> tuple[Handler, Handler]:
    """A setMyX / getMyX pair for description, short_description and name."""
    async def setter(ctx: SandboxContext, p: dict[str, Any]) -> Any:
        value = p.get(field) or ""
        if not isinstance(value, str) or len(value) > limit:
            raise bad_request(f"{field.upper()}_INVALID")
        ctx.state.bot_texts[f"{field}:{p.get('language_code') or ''}"] = value
        ctx.state.touch()
        return True

    async def getter(ctx: SandboxContext, p: dict[str, Any]) -> Any:
        texts = ctx.state.bot_texts
        return {field: texts.get(f"{field}:{p.get('language_code') or ''}", texts.get(f"{field}:", ""))}

    setter.__doc__, getter.__doc__ = f"setMy {field}.", f"getMy {field}."
    return setter, getter


_description = text_setting("description", 512)
_short = text_setting("short_description", 120)
_name = text_setting("name", 64)

METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": true,
    "close": true,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "setMyDescription": _description[0],
    "getMyDescription": _description[1],
    "setMyShortDescription": _short[0],
    "getMyShortDescription": _short[1],
    "setMyName": _name[0],
    "getMyName": _name[1],
}
