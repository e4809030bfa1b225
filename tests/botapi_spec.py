"""Checks Bot API calls against the machine-readable specification in ../shared/telegram/api.json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parent.parent.parent / "shared" / "telegram" / "api.json"


@cache
def methods() -> dict[str, dict[str, Any]]:
    """Method name (lower case) → its spec entry."""
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    return {name.lower(): entry for name, entry in spec["methods"].items()}


def violations(calls: list[dict[str, Any]]) -> list[str]:
    """Every way the calls break the spec: unknown methods, unknown or missing required parameters."""
    bad: list[str] = []
    for call in calls:
        name = str(call.get("method", ""))
        entry = methods().get(name.lower())
        if entry is None:
            bad.append(f"unknown method {name}")
            continue
        fields = {f["name"]: f for f in entry.get("fields", [])}
        params = call.get("params") or {}
        bad.extend(f"{name}: unknown parameter {p}" for p in params if p not in fields)
        bad.extend(f"{name}: missing required {f}" for f, spec in fields.items()
                   if spec["required"] and f not in params)
    return sorted(set(bad))
