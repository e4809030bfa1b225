"""Plumbing of the control side (`/sandbox/...`): its errors, request bodies and parameters, JSON replies."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.sandbox.encodable import UnencodableUpdate, json_problem


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
