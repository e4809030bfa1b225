"""Answer options: named answer sets from ``flows/answers.toml`` and the options lists steps write inline."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from bot.core.flows.fields import NAME, Report, is_int, is_value, message_key, read_string, table_list, unknown_keys
from bot.core.flows.model import Option, Value

AnswerSets = Mapping[str, tuple[Option, ...]]

OPTION_KEYS = ("label", "value")


def build_answer_sets(
    data: Mapping[str, Any], label: str, message_keys: Collection[str]
) -> tuple[dict[str, tuple[Option, ...]], list[str]]:
    """Named answer sets from ``flows/answers.toml``:
    ``[name] options = [{ label = "key", value = 1 }, …]``."""
    report = Report(label)
    sets: dict[str, tuple[Option, ...]] = {}
    for name, table in data.items():
        if not NAME.match(name):
            report.add(name, f"{name!r} is not a valid name (lower-case letters, digits and _)")
            continue
        if not isinstance(table, dict):
            report.add(name, "expected a table: [" + name + "] options = [...]")
            continue
        unknown_keys(report, name, table, ("options",))
        if "options" not in table:
            report.add(f"{name}.options", "required")
            continue
        options = build_options(report, f"{name}.options", table["options"], message_keys)
        if options:
            sets[name] = options
    return sets, report.problems


def build_options(
    report: Report, path: str, raw: object, message_keys: Collection[str]
) -> tuple[Option, ...]:
    """An array of ``{ label, value }`` option tables; values must be unique."""
    tables = table_list(report, path, raw)
    if not tables and isinstance(raw, list):
        report.add(path, "needs at least one option")
    options: list[Option] = []
    seen: dict[tuple[bool, Value], int] = {}  # (is a number, value) -> the index it was first written at
    for index, table in enumerate(tables):
        where = f"{path}[{index}]"
        unknown_keys(report, where, table, OPTION_KEYS)
        label = read_string(report, where, table, "label", required=True)
        message_key(report, f"{where}.label", label, message_keys)
        if "value" not in table:
            report.add(f"{where}.value", "required")
            continue
        value = table["value"]
        if not is_value(value):
            report.add(f"{where}.value", f"expected a whole number or a string, got {value!r}")
            continue
        key = (is_int(value), value)
        if key in seen:
            report.add(f"{where}.value", f"duplicate value {value!r} (also {path}[{seen[key]}])")
            continue
        seen[key] = index
        if label is not None:
            options.append(Option(label=label, value=value))
    return tuple(options)
