"""Files the bot sends: uploads, file_ids and URLs turned into Bot API media objects."""

from __future__ import annotations

import mimetypes
import secrets
import struct
from typing import Any

from bot.sandbox.state import SandboxState, StoredFile
from bot.sandbox.wire import Upload, bad_request

EXTENSIONS = {"photo": "jpg", "voice": "ogg", "video_note": "mp4", "sticker": "webp", "video": "mp4",
              "animation": "mp4", "audio": "mp3", "document": "bin"}


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image (512x512 when unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, size = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + size
    return 512, 512


def store_file(state: SandboxState, kind: str, value: Any, params: dict[str, Any]) -> StoredFile:
    """Resolve a file parameter (upload, attach://name, file_id or URL) to a stored file."""
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value[len("attach://"):])
    if isinstance(value, str) and value in state.files:
        return state.files[value]
    if isinstance(value, Upload):
        data, filename, mime = value.data, value.filename, value.mime_type
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        filename = value.rstrip("/").rsplit("/", 1)[-1] or "file"
        data, mime = b"", mimetypes.guess_type(filename)[0] or "application/octet-stream"
    elif value is None or value == "":
        raise bad_request(f"there is no {kind} in the request")
    else:
        raise bad_request("wrong file identifier/HTTP URL specified")
    n = state.unique()
    ext = filename.rsplit(".", 1)[-1] if "." in filename else EXTENSIONS.get(kind, "bin")
    stored = StoredFile(file_id=f"SBX{n}{secrets.token_hex(8)}", file_unique_id=f"U{n}",
                        data=data, filename=filename, mime_type=mime,
                        file_path=f"{kind}s/file_{n}.{ext}")
    state.files[stored.file_id] = stored
    return stored


def media_object(kind: str, f: StoredFile) -> Any:
    """The Message field describing a sent file of this kind."""
    base: dict[str, Any] = {"file_id": f.file_id, "file_unique_id": f.file_unique_id,
                            "file_size": len(f.data)}
    if kind == "photo":
        width, height = image_size(f.data)
        return [{**base, "width": width, "height": height}]
    if kind == "sticker":
        width, height = image_size(f.data)
        return {**base, "type": "regular", "width": width, "height": height,
                "is_animated": False, "is_video": False}
    if kind == "voice":
        return {**base, "duration": 0, "mime_type": f.mime_type}
    if kind == "video_note":
        return {**base, "length": 240, "duration": 0}
    if kind in ("video", "animation"):
        return {**base, "width": 640, "height": 360, "duration": 0, "file_name": f.filename,
                "mime_type": f.mime_type}
    if kind == "audio":
        return {**base, "duration": 0, "file_name": f.filename, "mime_type": f.mime_type}
    return {**base, "file_name": f.filename, "mime_type": f.mime_type}
