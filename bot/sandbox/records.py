"""Small records the emulator keeps: uploaded files, updates waiting for delivery, the webhook setting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class StoredFile:
    """A file the bot uploaded (or referenced by URL), downloadable through the emulator."""

    file_id: str
    file_unique_id: str
    data: bytes
    filename: str
    mime_type: str
    file_path: str

    def as_file(self) -> dict[str, Any]:
        """The Bot API File object."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.data), "file_path": self.file_path}


@dataclass
class PendingUpdate:
    """An update waiting for delivery; `seq` orders and confirms it even when update_id is odd."""

    seq: int
    update: dict[str, Any]


@dataclass
class Webhook:
    """The webhook configuration set through setWebhook."""

    url: str = ""
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    version: int = 0
