"""Checks Bot API calls against the machine-readable Bot API specification (tests/data/telegram-bot-api.json,
Bot API 10.1). A missing or unreadable specification is an error, never a silent pass."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parent / "data" / "telegram-bot-api.json"


class SpecMissing(AssertionError):
    """The specification file is not there (or not a Bot API specification): nothing can be checked."""


@cache
def methods(spec: Path = SPEC) -> dict[str, dict[str, Any]]:
    """Method name (lower case) → its spec entry; SpecMissing when the file is absent or malformed."""
    try:
        loaded = json.loads(spec.read_text(encoding="utf-8"))
        return {name.lower(): entry for name, entry in loaded["methods"].items()}
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise SpecMissing(f"the Bot API specification {spec} cannot be read ({exc}); calls cannot be checked") from exc


def violations(calls: list[dict[str, Any]], spec: Path = SPEC) -> list[str]:
    """Every way the calls break the spec: unknown methods, unknown or missing required parameters."""
    bad: list[str] = []
    for call in calls:
        name = str(call.get("method", ""))
        entry = methods(spec).get(name.lower())
        if entry is None:
            bad.append(f"unknown method {name}")
            continue
        fields = {f["name"]: f for f in entry.get("fields", [])}
        params = call.get("params") or {}
        bad.extend(f"{name}: unknown parameter {p}" for p in params if p not in fields)
        bad.extend(f"{name}: missing required {f}" for f, spec in fields.items()
                   if spec["required"] and f not in params)
    return sorted(set(bad))
