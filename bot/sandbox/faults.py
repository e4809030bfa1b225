"""Fault injection: rules making bot-side calls fail with 429, 5xx, 403, a dropped connection or a delay."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("429", "500", "502", "drop", "timeout", "403")
BLOCKED = "Forbidden: bot was blocked by the user"


@dataclass
class FaultRule:
    """One fault: what (`kind`), how often (`rate`, `count`, `nth`) and where (`chat_id`, `methods`).

    `nth` makes the rule fire only on the N-th call matching `methods`/`chat_id` since it was added
    (counting from 1, including calls another rule failed), after which it is removed. `seen` counts
    the calls that have matched the filters so far.
    """

    id: int
    kind: str
    rate: float = 1.0
    chat_id: int | str | None = None
    methods: list[str] | None = None
    count: int | None = None
    retry_after: int = 5
    delay: float = 10.0
    nth: int | None = None
    seen: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON."""
        return asdict(self)

    def applies(self, method: str, chat_id: Any) -> bool:
        """Whether the rule covers this method and chat (ignoring rate and count)."""
        if self.methods is not None and method.lower() not in {m.lower() for m in self.methods}:
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def error(self) -> tuple[int, dict[str, Any]] | None:
        """The HTTP status and body this fault answers with; None for drop/timeout."""
        if self.kind == "429":
            return 429, {"ok": False, "error_code": 429,
                         "description": f"Too Many Requests: retry after {self.retry_after}",
                         "parameters": {"retry_after": self.retry_after}}
        if self.kind == "403":
            return 403, {"ok": False, "error_code": 403, "description": BLOCKED}
        if self.kind == "500":
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if self.kind == "502":
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return None


def parse_rule(raw: dict[str, Any], rule_id: int) -> FaultRule:
    """Validate a rule given as JSON; ValueError with a readable message when it is wrong."""
    known = {"kind", "rate", "chat_id", "methods", "count", "retry_after", "delay", "nth"}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown fault fields: {sorted(unknown)}")
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    rate = raw.get("rate", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise ValueError("rate must be a number between 0 and 1")
    methods = raw.get("methods")
    if isinstance(methods, str):
        methods = [methods]
    if methods is not None and not (isinstance(methods, list) and all(isinstance(m, str) for m in methods)):
        raise ValueError("methods must be a list of method names")
    count = raw.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError("count must be a positive integer")
    nth = raw.get("nth")
    if nth is not None:
        if isinstance(nth, bool) or not isinstance(nth, int) or nth < 1:
            raise ValueError("nth must be a positive integer")
        if count is not None or rate < 1:
            raise ValueError("nth cannot be combined with count or a rate below 1")
    retry_after = raw.get("retry_after", 5)
    if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 1:
        raise ValueError("retry_after must be a positive integer")
    delay = raw.get("delay", 10.0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise ValueError("delay must be a non-negative number")
    chat_id = raw.get("chat_id")
    if chat_id is not None and not isinstance(chat_id, int | str):
        raise ValueError("chat_id must be an integer or a string")
    return FaultRule(rule_id, kind, float(rate), chat_id, methods, count, retry_after, float(delay), nth)


class FaultInjector:
    """The active fault rules; `pick` decides (reproducibly, from `seed`) whether a call fails."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.random = random.Random(seed)
        self.rules: list[FaultRule] = []
        self._next_id = 1

    def add(self, raw: dict[str, Any]) -> FaultRule:
        """Add a rule given as JSON."""
        rule = parse_rule(raw, self._next_id)
        self._next_id += 1
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule and restart the random sequence."""
        self.rules.clear()
        self.random = random.Random(self.seed)

    def pick(self, method: str, chat_id: Any) -> FaultRule | None:
        """The first rule that fires for this call, using up one of its `count`.

        Every matching rule counts the call in `seen`, even behind the one that fires; an `nth` rule
        whose N-th call another rule already failed is removed without firing.
        """
        fired: FaultRule | None = None
        for rule in list(self.rules):
            if not rule.applies(method, chat_id):
                continue
            rule.seen += 1
            if rule.nth is not None:
                if rule.seen >= rule.nth:
                    self.rules.remove(rule)
                    if fired is None:
                        fired = rule
                continue
            if fired is not None or (rule.rate < 1.0 and self.random.random() >= rule.rate):
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            fired = rule
        return fired
