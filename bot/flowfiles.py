"""Reading flows from disk: ``flows/answers.toml`` (named answer sets) and ``flows/<id>.toml`` (one flow
each).

The edge around :mod:`bot.core.flows`: it reads and parses the files, then hands the dicts to the pure
validator with the English message keys. Every problem in every file is collected and raised together as
:class:`FlowError`, each line naming the file and the path inside it::

    flows/weekly.toml: steps[2].next: unknown step 'mood2'

Also here: rendering a flow's texts for a locale (validated instrument items are shown in English, the
published wording, in every locale).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.core.flows import Flow, FlowError, Option, build_answer_sets, build_flow
from bot.core.flows.checks import CHECKS
from bot.core.flows.model import CONTEXT_KEYS
from bot.messages import DEFAULT_LOCALE, Messages

ANSWERS_FILE = "answers.toml"

__all__ = ["ANSWERS_FILE", "FlowError", "load_flows", "render_options", "render_text", "text_locale"]


def _read(path: Path, label: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{label}: TOML syntax error: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{label}: cannot read the file: {exc}")
    return None


def load_flows(folder: Path, messages: Messages) -> dict[str, Flow]:
    """Load and validate every flow in ``folder``; raise :class:`FlowError` listing every problem."""
    if not folder.is_dir():
        raise FlowError([f"{folder}: flows folder not found"])
    problems: list[str] = []
    message_keys = messages.keys(DEFAULT_LOCALE)
    answers_path = folder / ANSWERS_FILE
    answer_sets: dict[str, tuple[Option, ...]] = {}
    if answers_path.is_file():
        data = _read(answers_path, f"{folder.name}/{ANSWERS_FILE}", problems)
        if data is not None:
            answer_sets, found = build_answer_sets(data, f"{folder.name}/{ANSWERS_FILE}", message_keys)
            problems.extend(found)
    flows: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == ANSWERS_FILE:
            continue
        label = f"{folder.name}/{path.name}"
        data = _read(path, label, problems)
        if data is None:
            continue
        flow, found = build_flow(data, label, message_keys, answer_sets, CHECKS, expected_id=path.stem)
        problems.extend(found)
        if flow is not None:
            flows[flow.id] = flow
    for flow in flows.values():
        problems.extend(_template_problems(flow, messages))
    if problems:
        raise FlowError(problems)
    return flows


def _template_problems(flow: Flow, messages: Messages) -> list[str]:
    """Templates that would fail mid-conversation: variables a flow's run cannot supply."""
    known = {*CONTEXT_KEYS, "service"}
    problems = []
    for key in sorted(flow.message_keys()):
        for locale in messages.locales:
            unknown = sorted(messages.variables(locale, key) - known)
            if unknown:
                problems.append(f"{flow.source}: message '{key}' ({locale}) uses unknown variable(s) "
                                f"{', '.join(unknown)}; a flow can use {', '.join(sorted(known))}")
    return problems


def text_locale(locale: str, validated: bool) -> str:
    """The locale a text is shown in: validated instrument items always as published, in English."""
    return DEFAULT_LOCALE if validated else locale


def render_text(
    messages: Messages, locale: str, key: str, context: Mapping[str, str], *, validated: bool = False
) -> str:
    """Render one flow text (a step's question, a message, a nudge) with the run's context."""
    return messages.render(text_locale(locale, validated), key, **context)


def render_options(
    messages: Messages, locale: str, options: Sequence[Option], context: Mapping[str, str], *,
    validated: bool = False,
) -> list[str]:
    """Button labels for an Ask's options, in order (English for validated items)."""
    return [render_text(messages, locale, o.label, context, validated=validated) for o in options]
