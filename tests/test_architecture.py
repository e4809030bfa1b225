"""House rules that keep the layers one-way: checked on the source, so a change that breaks them fails here.

- ``bot/core`` is pure: no Telegram, database, network or web imports.
- Use cases (``bot/usecases``) never import Telegram or ``bot.telegram``.
- No import cycles among the project's modules, function-level imports included.
- Modules stay small (migrations aside).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
MAX_LINES = 250
IMPURE = ("telegram", "sqlalchemy", "httpx", "starlette", "uvicorn", "apscheduler", "alembic", "asyncpg",
          "aiosqlite", "socket", "bot.store", "bot.telegram", "bot.delivery", "bot.usecases")


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (migrations aside)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, name: str) -> set[str]:
    """Everything a module imports, at any level of nesting, as dotted names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def project_imports() -> dict[str, set[str]]:
    """Module → the project modules it imports."""
    known = modules()
    return {name: {i for i in imports(path, name) if i in known and i != name} for name, path in known.items()}


def _violations(prefix: str, banned: tuple[str, ...]) -> list[str]:
    return sorted(f"{name} imports {i}" for name, path in modules().items() if name.startswith(prefix)
                  for i in imports(path, name) if any(i == b or i.startswith(b + ".") for b in banned))


def test_core_is_pure() -> None:
    assert _violations("bot.core", IMPURE) == []


def test_use_cases_never_import_telegram() -> None:
    assert _violations("bot.usecases", ("telegram", "bot.telegram")) == []


def test_there_are_no_import_cycles() -> None:
    graph = project_imports()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # a package importing its own submodules is not a cycle worth reporting
    real = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c[1:])]
    assert real == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_stay_small(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by concept"
