"""Every user-facing word: Jinja2 templates in ``messages/<locale>/<area>.toml``.

A file ``messages/en/onboarding.toml`` holding ``[consent] ask = "..."`` defines the key
``onboarding.consent.ask``. Locales other than English fall back message by message to English.
Templates render with HTML autoescape (Telegram's HTML parse mode) and StrictUndefined, so a
missing variable fails loudly and nothing a person typed can inject markup.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

DEFAULT_LOCALE = "en"


class MessagesError(Exception):
    """A messages folder that cannot be used; ``problems`` name the file and the key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _flatten(prefix: str, data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        full = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            yield from _flatten(full, value)
        else:
            yield full, value


@dataclass
class Messages:
    """The loaded templates of every locale, ready to render."""

    sources: dict[str, dict[str, str]]
    env: jinja2.Environment = field(repr=False)

    @classmethod
    def load(cls, folder: Path) -> Messages:
        """Read and compile every template below ``folder``; raise MessagesError listing all problems."""
        problems: list[str] = []
        sources: dict[str, dict[str, str]] = {}
        if not folder.is_dir():
            raise MessagesError([f"{folder}: messages folder not found"])
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
        for locale_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            table: dict[str, str] = {}
            for path in sorted(locale_dir.glob("*.toml")):
                label = f"{folder.name}/{locale_dir.name}/{path.name}"
                try:
                    data = tomllib.loads(path.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                    problems.append(f"{label}: {exc}")
                    continue
                for key, value in _flatten(path.stem, data):
                    if not isinstance(value, str):
                        problems.append(f"{label}: {key}: expected a string template")
                        continue
                    try:
                        env.parse(value)
                    except jinja2.TemplateSyntaxError as exc:
                        problems.append(f"{label}: {key}: template error: {exc.message}")
                        continue
                    table[key] = value
            sources[locale_dir.name] = table
        if DEFAULT_LOCALE not in sources:
            problems.append(f"{folder}/{DEFAULT_LOCALE}: the English messages are missing")
        if problems:
            raise MessagesError(problems)
        return cls(sources=sources, env=env)

    @property
    def locales(self) -> list[str]:
        """Every locale with a folder, English first."""
        return sorted(self.sources, key=lambda loc: (loc != DEFAULT_LOCALE, loc))

    def keys(self, locale: str = DEFAULT_LOCALE) -> set[str]:
        """The keys defined in one locale (without fallback)."""
        return set(self.sources.get(locale, {}))

    def has(self, key: str) -> bool:
        """Whether ``key`` exists in English, the locale every other falls back to."""
        return key in self.sources[DEFAULT_LOCALE]

    def missing(self) -> dict[str, list[str]]:
        """Per locale, the English keys it does not translate (it falls back to English for them)."""
        english = self.keys(DEFAULT_LOCALE)
        return {
            loc: sorted(english - self.keys(loc)) for loc in self.locales if loc != DEFAULT_LOCALE
        }

    def source(self, locale: str, key: str) -> str:
        """The template text for ``key`` in ``locale``, falling back to English."""
        table = self.sources.get(locale, {})
        if key in table:
            return table[key]
        try:
            return self.sources[DEFAULT_LOCALE][key]
        except KeyError:
            raise KeyError(f"unknown message key {key!r}") from None

    def variables(self, locale: str, key: str) -> set[str]:
        """The names a template needs from its caller (in ``locale``, or English where it falls back)."""
        return set(meta.find_undeclared_variables(self.env.parse(self.source(locale, key))))

    def render(self, locale: str, key: str, /, **variables: Any) -> str:
        """Render ``key`` for ``locale`` as Telegram HTML (autoescaped)."""
        template = self.env.from_string(self.source(locale, key))
        return template.render(**variables).strip()
