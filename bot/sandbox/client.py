"""An async client for the emulator's control side: play users, read what the bot did, inject faults."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx


class SandboxError(RuntimeError):
    """The control side refused a request."""


class SandboxClient:
    """`async with SandboxClient("http://127.0.0.1:PORT") as sb:` drives a running emulator."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One control request; SandboxError on an error status."""
        response = await self.http.request(method, path, json=body)
        if response.status_code >= 400:
            raise SandboxError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    async def say(self, user_id: int, text: str, **extra_message_fields: Any) -> dict[str, Any]:
        """A private message from a person; returns the Update."""
        result: dict[str, Any] = await self._call("POST", f"/sandbox/users/{user_id}/messages",
                                                  {"text": text, **extra_message_fields})
        return result

    async def press(self, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        """Tap a button; returns {"update": ..., "button_present": bool}."""
        result: dict[str, Any] = await self._call("POST", f"/sandbox/users/{user_id}/press",
                                                  {"message_id": message_id, "data": data})
        return result

    async def post_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw Update; returns it with its update_id."""
        result: dict[str, Any] = await self._call("POST", "/sandbox/updates", update)
        return result

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot shows in a chat."""
        reply = await self._call("GET", f"/sandbox/chats/{chat_id}/messages")
        result: list[dict[str, Any]] = reply["messages"]
        return result

    async def calls(self) -> list[dict[str, Any]]:
        """Every Bot API call so far."""
        result: list[dict[str, Any]] = (await self._call("GET", "/sandbox/calls"))["calls"]
        return result

    async def clear_calls(self) -> None:
        """Empty the calls log."""
        await self._call("DELETE", "/sandbox/calls")

    async def faults(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (kind, rate, chat_id, methods, count, nth, retry_after, delay); returns it."""
        result: dict[str, Any] = await self._call("POST", "/sandbox/faults", rule)
        return result

    async def clear_faults(self) -> None:
        """Remove every fault rule."""
        await self._call("DELETE", "/sandbox/faults")

    async def set_limits(self, **fields: Any) -> dict[str, Any]:
        """Change some limits; returns all of them."""
        result: dict[str, Any] = await self._call("POST", "/sandbox/limits", fields)
        return result

    async def callback_answers(self) -> list[dict[str, Any]]:
        """Every answerCallbackQuery so far."""
        result: list[dict[str, Any]] = (await self._call("GET", "/sandbox/callback_answers"))["answers"]
        return result

    async def block(self, user_id: int) -> None:
        """The person blocks the bot."""
        await self._call("POST", f"/sandbox/users/{user_id}/block")

    async def unblock(self, user_id: int) -> None:
        """The person unblocks the bot."""
        await self._call("POST", f"/sandbox/users/{user_id}/unblock")

    async def reset(self) -> None:
        """Forget everything."""
        await self._call("POST", "/sandbox/reset")

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()
