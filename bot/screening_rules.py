"""Reading the screening rules from disk: ``screening/*.toml`` (shipped) or a deployer's own folder.

The edge around :mod:`bot.core.screening`: it reads and parses the files, in name order, and hands the
tables to the pure builder, which checks everything (each rule's examples included). Every problem in every
file is raised together as :class:`ScreeningRulesError`, each line naming the file and the key::

    screening/rules.toml: rules[3].level: must be one of risk, distress

:func:`load_rules` is cached on the files' names, sizes and modification times, so calling it for every
message costs a few ``stat`` calls, and an edited file is picked up on the next call.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from bot.config_sections import SHIPPED
from bot.core.screening import Screener, Screening, ScreeningRulesError, build_screener

DEFAULT_RULES = SHIPPED / "screening"
"""The rules that ship with the bot: a folder of ``*.toml`` files."""

__all__ = ["DEFAULT_RULES", "Screener", "Screening", "ScreeningRulesError", "load_rules"]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise ScreeningRulesError([f"{path}: no *.toml rule files in this folder"])
        return files
    if path.is_file():
        return [path]
    raise ScreeningRulesError([f"{path}: screening rules not found"])


def _label(file: Path, root: Path) -> str:
    return f"{root.name}/{file.name}" if root.is_dir() else file.name


def load_rules(path: Path = DEFAULT_RULES) -> Screener:
    """A screener from a folder of rule files (every ``*.toml`` in it) or from one file.

    Raises :class:`ScreeningRulesError` listing every problem in every file.
    """
    files = _files(path)
    stamp = []
    for file in files:
        try:
            info = file.stat()
        except OSError as exc:
            raise ScreeningRulesError([f"{_label(file, path)}: cannot read the file: {exc}"]) from None
        stamp.append((str(file), info.st_size, info.st_mtime_ns))
    return _load(str(path), tuple(stamp))


@functools.lru_cache(maxsize=8)
def _load(root: str, stamp: tuple[tuple[str, int, int], ...]) -> Screener:
    problems: list[str] = []
    documents: list[tuple[str, dict[str, Any]]] = []
    for name, _, _ in stamp:
        file = Path(name)
        label = _label(file, Path(root))
        try:
            documents.append((label, tomllib.loads(file.read_text(encoding="utf-8"))))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{label}: TOML syntax error: {exc}")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{label}: cannot read the file: {exc}")
    if problems:
        raise ScreeningRulesError(problems)
    return build_screener(documents)
