"""Reading raw keys out of parsed TOML tables, checking their types and collecting every problem.

Each problem reads ``<label>: <path>: <what is wrong>``, for example
``flows/weekly.toml: steps[2].next: unknown step 'mood2'``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""Ids and names: lower-case letters, digits and _, starting with a letter."""


class FlowError(Exception):
    """Flows that cannot be used. ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Report:
    """Every problem found in one file, each prefixed with the file's label."""

    label: str
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        """Record one problem at ``path`` (empty for the file as a whole)."""
        self.problems.append(f"{self.label}: {path}: {message}" if path else f"{self.label}: {message}")


def is_int(value: object) -> bool:
    """A whole number, but not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_value(value: object) -> bool:
    """A value an answer can have: a whole number or a string."""
    return is_int(value) or isinstance(value, str)


def unknown_keys(report: Report, path: str, table: Mapping[str, Any], allowed: Collection[str]) -> None:
    """Report every key of ``table`` that is not in ``allowed``."""
    for key in table:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            report.add(where, f"unknown key (expected one of: {', '.join(allowed)})")


def read_string(report: Report, path: str, table: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    """A non-empty string at ``key``, or None (reported if present but wrong, or missing and required)."""
    where = f"{path}.{key}" if path else key
    if key not in table:
        if required:
            report.add(where, "required")
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        report.add(where, f"expected a non-empty string, got {value!r}")
        return None
    return value


def read_name(report: Report, path: str, table: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    """A valid name (see :data:`NAME`) at ``key``, or None."""
    value = read_string(report, path, table, key, required=required)
    if value is not None and not NAME.match(value):
        report.add(f"{path}.{key}" if path else key,
                   f"{value!r} is not a valid name (lower-case letters, digits and _, "
                   "starting with a letter)")
        return None
    return value


def read_bool(report: Report, path: str, table: Mapping[str, Any], key: str) -> bool:
    """A true/false flag at ``key``, false when absent or wrong."""
    value = table.get(key, False)
    if not isinstance(value, bool):
        report.add(f"{path}.{key}", f"expected true or false, got {value!r}")
        return False
    return value


def message_key(report: Report, path: str, key: str | None, message_keys: Collection[str]) -> None:
    """Report ``key`` if it names no known message."""
    if key is not None and key not in message_keys:
        report.add(path, f"unknown message key {key!r}")


def table_list(report: Report, path: str, value: object) -> list[Mapping[str, Any]]:
    """An array of tables, or an empty list (reported) if ``value`` is anything else."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        report.add(path, "expected an array of tables ([[" + path + "]])")
        return []
    return value
