"""Bot API wire format: decoding request parameters (query, form, multipart, JSON) and error replies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

# Free-text fields: never turned into numbers, booleans or JSON.
TEXT_FIELDS = frozenset({
    "text", "caption", "description", "short_description", "name", "title", "question", "explanation",
    "url", "data", "secret_token", "query", "emoji", "callback_query_id", "inline_message_id",
    "file_id", "ip_address", "parse_mode", "language_code", "action", "address", "first_name",
    "last_name", "phone_number", "vcard", "business_connection_id", "message_effect_id", "sticker",
    "photo", "document", "audio", "voice", "video", "animation", "video_note", "thumbnail", "certificate",
})
INT_FIELDS = frozenset({
    "chat_id", "from_chat_id", "message_id", "offset", "limit", "timeout", "user_id", "reply_to_message_id",
    "message_thread_id", "max_connections", "cache_time", "duration", "width", "height", "until_date",
    "length", "performer_id", "live_period", "heading", "proximity_alert_radius", "direct_messages_topic_id",
})
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_INT_RE = re.compile(r"-?\d+$")


class ApiError(Exception):
    """A Bot API error reply."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> JSONResponse:
        """The error as Telegram's JSON reply."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return JSONResponse(body, status_code=self.code)


def bad_request(detail: str) -> ApiError:
    """A 400 "Bad Request: <detail>"."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class Upload:
    """A file sent in a multipart request."""

    filename: str
    data: bytes
    mime_type: str

    def describe(self) -> dict[str, Any]:
        """How an upload appears in the calls log."""
        return {"file": self.filename, "size": len(self.data)}


def coerce(name: str, value: Any) -> Any:
    """Turn a form string into what Telegram would understand it as."""
    if not isinstance(value, str) or name in TEXT_FIELDS:
        return value
    if name in INT_FIELDS and _INT_RE.match(value):
        return int(value)
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """Parse a multipart/form-data body with the standard library's MIME parser."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = BytesParser(policy=HTTP).parsebytes(head + body)
    out: dict[str, Any] = {}
    if not msg.is_multipart():
        return out
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            out[str(name)] = Upload(filename, payload, part.get_content_type())
        else:
            out[str(name)] = payload.decode(part.get_content_charset() or "utf-8", "replace")
    return out


async def read_params(request: Request) -> dict[str, Any]:
    """All parameters of a Bot API request, coerced; ApiError 400 when the body cannot be read."""
    raw: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    ctype = request.headers.get("content-type", "")
    kind = ctype.split(";", 1)[0].strip().lower()
    if body:
        if kind == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(decoded, dict):
                raise bad_request("can't parse JSON object")
            raw.update(decoded)
        elif kind == "multipart/form-data":
            raw.update(_multipart(body, ctype))
        else:
            raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return {name: coerce(name, value) for name, value in raw.items()}


def loggable(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as shown in the calls log (uploads summarised)."""
    return {k: v.describe() if isinstance(v, Upload) else v for k, v in params.items()}


def ok(result: Any) -> JSONResponse:
    """A successful Bot API reply."""
    return JSONResponse({"ok": True, "result": result})
