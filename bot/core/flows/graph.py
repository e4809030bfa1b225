"""Checks on the shape of a flow: every target exists, no step loops back, every step can be reached."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.flows.fields import Report
from bot.core.flows.model import Step

Edges = Mapping[str, list[tuple[str, str]]]
"""For each step id, ``(path, target)`` for every ``next`` that names a known step."""


def check_graph(report: Report, start: str | None, steps: Mapping[str, Step], index_of: Mapping[str, int]) -> None:
    """Report unknown targets, cycles and steps that can never be reached from ``start``."""
    edges = _edges(report, steps, index_of)
    _cycles(report, steps, edges)
    if start is not None and start in steps:
        _unreachable(report, start, steps, index_of, edges)


def _edges(report: Report, steps: Mapping[str, Step], index_of: Mapping[str, int]) -> dict[str, list[tuple[str, str]]]:
    edges: dict[str, list[tuple[str, str]]] = {}
    for step_id, step in steps.items():
        where = f"steps[{index_of[step_id]}]"
        targets: list[tuple[str, str]] = []
        if step.next is not None:
            targets.append((f"{where}.next", step.next))
        targets.extend((f"{where}.branches[{i}].next", b.next) for i, b in enumerate(step.branches))
        edges[step_id] = []
        for path, target in targets:
            if target not in steps:
                report.add(path, f"unknown step {target!r}")
            else:
                edges[step_id].append((path, target))
    return edges


def _cycles(report: Report, steps: Mapping[str, Step], edges: Edges) -> None:
    """Report every edge that closes a loop: a flow must always end."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(step_id: str) -> None:
        state[step_id] = 1
        path.append(step_id)
        for where, target in edges[step_id]:
            if state.get(target) == 1:
                loop = [*path[path.index(target):], target]
                report.add(where, f"cycle {' -> '.join(loop)} (a flow must always end)")
            elif target not in state:
                visit(target)
        path.pop()
        state[step_id] = 2

    for step_id in steps:
        if step_id not in state:
            visit(step_id)


def _unreachable(
    report: Report, start: str, steps: Mapping[str, Step], index_of: Mapping[str, int], edges: Edges
) -> None:
    reached = {start}
    todo = [start]
    while todo:
        for _, target in edges[todo.pop()]:
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for step_id in steps:
        if step_id not in reached:
            report.add(f"steps[{index_of[step_id]}]",
                       f"step {step_id!r} can never be reached from start {start!r}")
