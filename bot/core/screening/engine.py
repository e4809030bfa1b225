"""The screener: every rule's patterns over a message, then negation, exceptions and past-and-resolved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.screening.context import Context, Scene
from bot.core.screening.model import PAST_RESOLVED, Hit, Level, Screening, lowered, severity
from bot.core.screening.patterns import Matcher, Message
from bot.core.screening.text import EMOJI_PREFIX, SENTENCE, Normaliser


@dataclass(frozen=True)
class Rule:
    """One rule as the screener uses it (its examples are checked when the rules are loaded)."""

    id: str
    level: Level
    about: str
    lang: str
    patterns: Matcher
    unless: Matcher
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()
    source: str = ""
    """Where the rule is defined, e.g. ``screening/rules.toml: rules[3]``."""
    needs: tuple[Matcher, ...] | None = None
    """If set, a match counts only when one of these patterns also matches elsewhere in the message (any
    sentence, not overlapping the match nor covered by ``unless``): for cues that are ambiguous alone ("I
    won't be here next week"). One matcher per pattern, so each pattern's matches are all seen (a long cue
    starting at a word does not hide a short one starting there too)."""


class Screener:
    """Screens free text against rules loaded by :func:`bot.core.screening.build_screener`.

    Immutable once built and safe to share between threads and tasks; :meth:`screen` is pure.
    """

    def __init__(self, normaliser: Normaliser, rules: Sequence[Rule], context: Context) -> None:
        self.normaliser = normaliser
        self.rules = tuple(rules)
        self.context = context
        self._by_word: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[tuple[str, int]]] = {}
        for index, rule in enumerate(self.rules):
            for word in rule.patterns.words:
                self._by_word.setdefault(word, []).append(index)
            for prefix in rule.patterns.prefixes:
                self._by_prefix.setdefault(prefix[:1], []).append((prefix, index))

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def _candidates(self, message: Message) -> dict[int, set[int]]:
        """Rule index → token positions where one of its patterns could start."""
        found: dict[int, set[int]] = {}
        for token, positions in message.positions.items():
            for index in self._by_word.get(token, ()):
                found.setdefault(index, set()).update(positions)
            for prefix, index in self._by_prefix.get(token[:1], ()):
                if token.startswith(prefix):
                    found.setdefault(index, set()).update(positions)
        return found

    def hits(self, text: str) -> list[Hit]:
        """Every match of every rule in ``text``, with what the context made of it, in text order."""
        return self._hits(Message(self.normaliser.split(text)))

    def _hits(self, message: Message) -> list[Hit]:
        scene = Scene(message, self.context)
        ordered: list[tuple[int, int, Hit]] = []
        for index, starts in sorted(self._candidates(message).items()):
            rule = self.rules[index]
            excepts: list[tuple[int, int]] | None = None
            support: list[tuple[int, int]] | None = None
            reach = -1
            for start, end in rule.patterns.find(message, sorted(starts)):
                if end <= reach:
                    continue  # inside the previous match of this rule ("my wife will…" then "wife will…")
                reach = end
                phrase = message.text(start, end)
                if excepts is None:
                    excepts = rule.unless.find(message)
                covering = next(((s, e) for s, e in excepts if s < end and start < e), None)
                if rule.needs is not None and support is None:
                    # A supporting sign the rule's own exceptions cover ("… next week, I'm moving") is none.
                    support = [(s, e) for needed in rule.needs for s, e in needed.find(message)
                               if not any(xs < e and s < xe for xs, xe in excepts)]
                backing = None if support is None else \
                    next(((s, e) for s, e in support if e <= start or s >= end), None)
                if covering is not None:
                    hit = Hit(rule.id, rule.level, "none", "excepted", phrase, message.text(*covering))
                elif (cue := scene.negation(start)) is not None:
                    hit = Hit(rule.id, rule.level, "none", "negated", phrase, cue)
                elif support is not None and backing is None:
                    hit = Hit(rule.id, rule.level, "none", "unsupported", phrase)
                elif (past := scene.past_resolved(start, end, rule.level)) is not None:
                    when, well = past
                    hit = Hit(rule.id, rule.level, "none" if well else lowered(rule.level), "past_resolved",
                              phrase, when)
                else:
                    hit = Hit(rule.id, rule.level, rule.level, "fired", phrase,
                              message.text(*backing) if backing is not None else "")
                ordered.append((start, index, hit))
        return [hit for _, _, hit in sorted(ordered, key=lambda item: (item[0], item[1]))]

    def screen(self, text: str) -> Screening:
        """Screen one message: its level, the rules that fired, and the evidence.

        Emoji never raise a level on their own: a message with no words (only emoji, symbols, punctuation)
        is ``none`` whatever its emoji, though the rules' matches are still listed as evidence."""
        message = Message(self.normaliser.split(text))
        hits = tuple(self._hits(message))
        counted = [hit for hit in hits if hit.level != "none"]
        if not any(token != SENTENCE and not token.startswith(EMOJI_PREFIX) for token in message.tokens):
            counted = []
        if not counted:
            return Screening("none", (), hits)
        level: Level = max((hit.level for hit in counted), key=severity)
        best: dict[str, Hit] = {}
        for hit in counted:
            if hit.rule not in best or severity(hit.level) > severity(best[hit.rule].level):
                best[hit.rule] = hit
        ranked = sorted(best.values(), key=lambda h: -severity(h.level))
        reasons = [hit.rule for hit in ranked]
        if any(hit.status == "past_resolved" for hit in ranked):
            reasons.append(PAST_RESOLVED)
        return Screening(level, tuple(reasons), hits)
