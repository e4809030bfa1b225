"""Whether a value can travel as UTF-8 JSON (no lone surrogates, NaN or infinity), and where it cannot."""

from __future__ import annotations

import json
import math
from typing import Any


class UnencodableUpdate(ValueError):
    """An update that could not be sent to the bot as UTF-8 JSON, so it was not queued."""


def json_problem(value: Any, path: str = "") -> str | None:
    """Why `value` cannot be sent as UTF-8 JSON (a lone surrogate, NaN or infinity), or None when it can."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        return None
    except (ValueError, TypeError):
        pass
    return _find_problem(value, path) or "it is not JSON"


def _find_problem(value: Any, path: str) -> str | None:
    """The first place in `value` that JSON as UTF-8 cannot carry (None: no such place)."""
    where = path or "the top level"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"{where} has a lone surrogate {ascii(value[exc.start])} at index {exc.start}"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where} is {value}, which JSON cannot represent"
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _find_problem(key, "") is not None:
                return f"a key in {where} ({ascii(key)}) has a lone surrogate"
            found = _find_problem(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _find_problem(item, f"{path}[{index}]")
            if found:
                return found
    return None
