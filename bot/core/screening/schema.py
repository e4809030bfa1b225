"""Reading the parsed TOML of the rule files: checking every key's type and merging the files.

Every problem reads ``<file>: <key path>: <what is wrong>``, e.g.
``screening/rules.toml: rules[3].level: must be one of risk, distress``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.screening.model import RULE_LEVELS

RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
CLASS_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TABLES: dict[str, tuple[str, ...]] = {"normalise": ("emoji", "contractions", "endings", "words")}
LISTS: dict[str, tuple[str, ...]] = {"negation": ("cues", "transparent", "ignore"),
         "context": ("past", "recent_past", "ongoing", "resolved", "resolved_well", "relapse", "clause_breaks",
                     "joins"),
         "fuzzy": ("words", "never")}
NUMBERS = {"negation": {"max_gap": (0, 12, 6)},
           "fuzzy": {"min_length": (3, 20, 6), "two_typos_from": (4, 30, 9)}}
SECTIONS = ("about", "normalise", "classes", "negation", "context", "fuzzy", "rules")
RULE_KEYS = ("id", "level", "about", "lang", "patterns", "unless", "examples", "not_examples", "needs")
RULE_REQUIRED = ("id", "level", "about", "patterns", "examples", "not_examples")


@dataclass
class RawRule:
    """A rule's checked fields and where it is (``screening/rules.toml: rules[3]``)."""

    where: str
    id: str
    level: str
    about: str
    lang: str
    patterns: list[str]
    unless: list[str]
    examples: list[str]
    not_examples: list[str]
    needs: list[str] = field(default_factory=list)


@dataclass
class Gathered:
    """Everything in every file, merged; each value remembers where it came from."""

    tables: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    classes: dict[str, tuple[list[str], str]] = field(default_factory=dict)
    lists: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    rules: list[RawRule] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _strings(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    return None


def _unknown(problem: Any, path: str, table: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in table:
        if key not in allowed:
            problem(f"{path}.{key}" if path else key, f"unknown key (expected one of: {', '.join(allowed)})")


def gather(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> Gathered:
    """Check and merge parsed rule files, given as (label, parsed TOML) in load order."""
    found = Gathered()
    seen_numbers: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for label, data in documents:
        def problem(path: str, message: str, label: str = label) -> None:
            found.problems.append(f"{label}: {path}: {message}" if path else f"{label}: {message}")

        _unknown(problem, "", data, SECTIONS)
        if "about" in data and not isinstance(data["about"], str):
            problem("about", "must be a string")
        for section in ("normalise", "classes", "negation", "context", "fuzzy"):
            if section in data and not isinstance(data[section], dict):
                problem(section, "must be a table")
        for section, keys in TABLES.items():
            table = data.get(section, {})
            if not isinstance(table, dict):
                continue
            _unknown(problem, section, table, keys)
            for key in keys:
                entries = table.get(key, {})
                if not isinstance(entries, dict):
                    problem(f"{section}.{key}", "must be a table of \"from\" = \"to\"")
                    continue
                merged = found.tables.setdefault(f"{section}.{key}", {})
                for source, target in entries.items():
                    where = f"{section}.{key}.{source}"
                    if not isinstance(target, str):
                        problem(where, "must be a string")
                    elif source.casefold() in merged:
                        problem(where, f"already defined in {merged[source.casefold()][1]}")
                    else:
                        merged[source.casefold()] = (target, label)
        classes = data.get("classes", {})
        if isinstance(classes, dict):
            for name, patterns in classes.items():
                checked = _strings(patterns)
                if not CLASS_NAME.match(name):
                    problem(f"classes.{name}", "a class name is lower-case letters, digits and _")
                elif checked is None or not checked:
                    problem(f"classes.{name}", "must be a non-empty list of patterns")
                elif name in found.classes:
                    problem(f"classes.{name}", f"already defined in {found.classes[name][1]}")
                else:
                    found.classes[name] = (checked, f"{label}: classes.{name}")
        for section, keys in LISTS.items():
            table = data.get(section, {})
            if not isinstance(table, dict):
                continue
            _unknown(problem, section, table, (*keys, *NUMBERS.get(section, {})))
            for key in keys:
                if key in table:
                    values = _strings(table[key])
                    if values is None:
                        problem(f"{section}.{key}", "must be a list of non-empty strings")
                        continue
                    found.lists.setdefault(f"{section}.{key}", []).extend(
                        (v, f"{label}: {section}.{key}[{i}]") for i, v in enumerate(values))
            for key, (low, high, _) in NUMBERS.get(section, {}).items():
                if key not in table:
                    continue
                value = table[key]
                if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                    problem(f"{section}.{key}", f"must be a whole number from {low} to {high}")
                elif f"{section}.{key}" in seen_numbers:
                    problem(f"{section}.{key}", f"already set in {seen_numbers[f'{section}.{key}']}")
                else:
                    found.numbers[f"{section}.{key}"] = value
                    seen_numbers[f"{section}.{key}"] = label
        rules = data.get("rules", [])
        if not isinstance(rules, list):
            problem("rules", "must be an array of tables ([[rules]])")
            continue
        for index, rule in enumerate(rules):
            raw = _rule(rule, f"rules[{index}]", problem)
            if raw is None:
                continue
            raw.where = f"{label}: rules[{index}]"
            if raw.id in seen_ids:
                problem(f"rules[{index}].id", f"{raw.id!r} is already used in {seen_ids[raw.id]}")
            else:
                seen_ids[raw.id] = raw.where
                found.rules.append(raw)
    for section, numbers in NUMBERS.items():
        for key, (_, _, default) in numbers.items():
            found.numbers.setdefault(f"{section}.{key}", default)
    return found


def _rule(rule: object, path: str, problem: Any) -> RawRule | None:
    if not isinstance(rule, dict):
        problem(path, "must be a table")
        return None
    _unknown(problem, path, rule, RULE_KEYS)
    ok = True
    for key in RULE_REQUIRED:
        if key not in rule:
            problem(f"{path}.{key}", "is required")
            ok = False
    texts: dict[str, str] = {}
    for key in ("id", "level", "about", "lang"):
        if key in rule:
            if not isinstance(rule[key], str) or not rule[key].strip():
                problem(f"{path}.{key}", "must be a non-empty string")
                ok = False
            else:
                texts[key] = rule[key]
    if "id" in texts and not RULE_ID.match(texts["id"]):
        problem(f"{path}.id", "lower-case letters, digits and _, in dotted parts (e.g. suicide.intent)")
        ok = False
    if "level" in texts and texts["level"] not in RULE_LEVELS:
        problem(f"{path}.level", f"must be one of {', '.join(RULE_LEVELS)}")
        ok = False
    lists: dict[str, list[str]] = {}
    for key in ("patterns", "unless", "examples", "not_examples", "needs"):
        if key in rule:
            values = _strings(rule[key])
            if values is None or (not values and key != "unless"):
                problem(f"{path}.{key}", "must be a non-empty list of non-empty strings")
                ok = False
            else:
                lists[key] = values
    if not ok:
        return None
    return RawRule("", texts["id"], texts["level"], texts["about"], texts.get("lang", "en"), lists["patterns"],
                   lists.get("unless", []), lists["examples"], lists["not_examples"], lists.get("needs", []))
