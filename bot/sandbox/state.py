"""In-memory world of the Bot API emulator: bot identity, chats, messages, updates and the calls log."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.changed import Changed
from bot.sandbox.encodable import UnencodableUpdate, json_problem
from bot.sandbox.records import PendingUpdate, StoredFile, Webhook

__all__ = [
    "BOT_FIRST_NAME", "BOT_USERNAME", "DEFAULT_BOT_ID", "OPT_IN_UPDATE_TYPES", "Changed", "PendingUpdate",
    "SandboxState", "StoredFile", "UnencodableUpdate", "Webhook", "json_problem",
]

BOT_USERNAME = "checkin_sandbox_bot"
BOT_FIRST_NAME = "Check-in Bot (sandbox)"
DEFAULT_BOT_ID = 123456
# Update types Telegram leaves out unless asked for explicitly in allowed_updates.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class SandboxState:
    """Everything the emulator knows; every mutation should be followed by `touch()`."""

    bot_id: int = DEFAULT_BOT_ID
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    user_messages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pending: list[PendingUpdate] = field(default_factory=list)
    delivered_update_ids: set[int] = field(default_factory=set)
    calls: list[dict[str, Any]] = field(default_factory=list)
    callback_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    files: dict[str, StoredFile] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[str, dict[str, Any]] = field(default_factory=dict)
    bot_texts: dict[str, str] = field(default_factory=dict)
    webhook: Webhook = field(default_factory=Webhook)
    allowed_updates: list[str] | None = None
    next_update_id: int = 1
    poll_seq: int = 0
    closing: bool = False
    changed: Changed = field(default_factory=Changed)
    _next_message_id: dict[int, int] = field(default_factory=dict)
    _seq: int = 0
    _counter: int = 0

    # -- notification -------------------------------------------------------------------------------------
    def touch(self) -> None:
        """Record that something changed and wake waiters."""
        self.changed.notify()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None = 5.0) -> None:
        """Wait until `predicate()` is true (no polling); TimeoutError after `timeout` s (None: never)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                raise TimeoutError(f"sandbox: condition {getattr(predicate, '__name__', predicate)!r} "
                                   f"still false after {timeout} s")
            await self.changed.wait(remaining)

    def close(self) -> None:
        """Mark the emulator as shutting down so long polls and delays end now."""
        self.closing = True
        self.touch()

    def reset(self) -> None:
        """Forget everything except update/message id counters (ids keep increasing, as Telegram's do)."""
        keep = (self.bot_id, self.next_update_id, self._next_message_id, self._seq, self._counter,
                self.poll_seq, self.changed, self.closing)
        self.__init__()  # type: ignore[misc]
        (self.bot_id, self.next_update_id, self._next_message_id, self._seq, self._counter,
         self.poll_seq, self.changed, self.closing) = keep
        self.touch()

    def unique(self) -> int:
        """A process-unique increasing number (for file and callback ids)."""
        self._counter += 1
        return self._counter

    # -- identity -----------------------------------------------------------------------------------------
    def bot_user(self) -> dict[str, Any]:
        """The bot as a User object."""
        return {"id": self.bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}

    def set_token(self, token: str) -> None:
        """Take the bot id from a token's digits before ':'."""
        self.bot_id = int(token.split(":", 1)[0])

    # -- people and chats ---------------------------------------------------------------------------------
    def remember_user(self, user: dict[str, Any]) -> None:
        """Register a User (and its private chat)."""
        uid = user.get("id")
        if not isinstance(uid, int) or isinstance(uid, bool):
            return
        self.users[uid] = {**self.users.get(uid, {}), **user}
        if uid not in self.chats or self.chats[uid].get("type") == "private":
            chat = {"id": uid, "type": "private", "first_name": self.users[uid].get("first_name", "")}
            for key in ("last_name", "username"):
                if key in self.users[uid]:
                    chat[key] = self.users[uid][key]
            self.chats[uid] = chat

    def remember_chat(self, chat: dict[str, Any]) -> None:
        """Register a Chat."""
        cid = chat.get("id")
        if isinstance(cid, int) and not isinstance(cid, bool):
            self.chats[cid] = {**self.chats.get(cid, {}), **chat}

    def find_chat(self, chat_id: Any) -> dict[str, Any] | None:
        """Look a chat up by id or @username."""
        if isinstance(chat_id, int):
            return self.chats.get(chat_id)
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next((c for c in self.chats.values() if str(c.get("username", "")).lower() == name), None)
        return None

    def next_message_id(self, chat_id: int) -> int:
        """The next message id in a chat (shared by the bot's and the user's messages)."""
        mid = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = mid
        return mid

    def find_message(self, chat_id: int, message_id: Any) -> dict[str, Any] | None:
        """A bot message currently shown in a chat."""
        return next((m for m in self.messages.get(chat_id, []) if m["message_id"] == message_id), None)

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Copies of what the bot shows in a chat, in order."""
        return copy.deepcopy(self.messages.get(chat_id, []))

    # -- updates ------------------------------------------------------------------------------------------
    def add_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update, filling update_id when missing; ids always increase.

        UnencodableUpdate (nothing queued) when the update could not be sent as UTF-8 JSON: queued, it
        would make every later getUpdates (and webhook delivery) fail.
        """
        problem = json_problem(update)
        if problem is not None:
            raise UnencodableUpdate(f"update cannot be sent as UTF-8 JSON: {problem}")
        uid = update.get("update_id")
        if "update_id" not in update:
            uid = update["update_id"] = self.next_update_id
        if isinstance(uid, int) and not isinstance(uid, bool):
            self.next_update_id = max(self.next_update_id, uid + 1)
        self._seq += 1
        self.pending.append(PendingUpdate(self._seq, update))
        self._learn_from_update(update)
        self.touch()
        return update

    def _learn_from_update(self, update: dict[str, Any]) -> None:
        """Register users and chats mentioned by an update, so the bot may answer them."""
        for value in update.values():
            if not isinstance(value, dict):
                continue
            for part in (value, value.get("message")):
                if isinstance(part, dict):
                    if isinstance(part.get("from"), dict):
                        self.remember_user(part["from"])
                    if isinstance(part.get("chat"), dict):
                        self.remember_chat(part["chat"])

    def add_callback_query(self, qid: str, info: dict[str, Any], created: float) -> None:
        """Remember a callback query the bot may answer once; `created` is on the rate limiter's clock."""
        if qid not in self.callback_queries:
            self.callback_queries[qid] = {**info, "answered": False, "created": created}

    @staticmethod
    def update_key(pending: PendingUpdate) -> int:
        """The number an offset is compared with: update_id when it is an integer, else the queue seq."""
        uid = pending.update.get("update_id")
        return uid if isinstance(uid, int) and not isinstance(uid, bool) else pending.seq

    @staticmethod
    def update_type(update: dict[str, Any]) -> str | None:
        """The kind of an update (its first field other than update_id)."""
        return next((k for k in update if k != "update_id"), None)

    def wanted(self, update: dict[str, Any], allowed: list[str] | None) -> bool:
        """Whether an update passes an allowed_updates filter (None or [] = Telegram's default)."""
        kind = self.update_type(update)
        if kind is None:
            return True
        if not allowed:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in allowed

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset` (negative: keep only the last -offset)."""
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [p for p in self.pending if self.update_key(p) >= offset]

    def mark_delivered(self, update: dict[str, Any]) -> None:
        """Record that an update was handed to the bot."""
        uid = update.get("update_id")
        if isinstance(uid, int) and not isinstance(uid, bool):
            self.delivered_update_ids.add(uid)

    # -- log ----------------------------------------------------------------------------------------------
    def log_call(self, method: str, params: dict[str, Any], status: int) -> None:
        """Append a bot-side call to the calls log."""
        self.calls.append({"method": method, "params": params, "status": status})
        self.touch()
