"""What the words around a match change: negation, and feelings in the past that are now resolved.

**Negation.** A match is cancelled when a ``[negation] cues`` word stands before it in the same clause with
only ``transparent`` words between (at most ``max_gap`` of them): "I'm **not** going to hurt myself",
"**never** thought about suicide", "nie zabiję się". Any other word stops the search, so "I can't sleep,
want to die" and "not ok I want to die" stay risk. Phrases in ``ignore`` are not negations ("no one", "not
sure", "can't stop"). A pattern may include its own negation ("do not want to live"): only words before the
match are looked at.

**Past and resolved.** A match is lowered one level (risk → distress, distress → none) when its clause
holds a ``past`` phrase ("last year", "used to", "when I was younger") — or, for distress only, a
``recent_past`` one ("was", "felt") — the message says it is resolved somewhere (``resolved``: "I had
counselling", "the group helped"), the clause holds nothing ``ongoing`` ("again", "still", "now") and the
message nothing of ``relapse`` ("coming back"). When the message says the present is clearly good
(``resolved_well``: "much better now", "long behind me", "safe now and happy") the match is lowered to
nothing at all. A recent attempt ("I tried to kill myself last week") is not lowered.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.screening.model import Level
from bot.core.screening.patterns import Matcher, Message
from bot.core.screening.text import SENTENCE


@dataclass(frozen=True)
class TokenSet:
    """Single words, some of them stems (``stem*``)."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and (token in self.words or (bool(self.prefixes)
                                                                   and token.startswith(self.prefixes)))


@dataclass(frozen=True)
class Context:
    """The compiled ``[negation]`` and ``[context]`` tables."""

    cues: TokenSet
    transparent: TokenSet
    ignore: Matcher
    max_gap: int
    past: Matcher
    recent_past: Matcher
    ongoing: Matcher
    resolved: Matcher
    resolved_well: Matcher
    relapse: Matcher
    clause_breaks: TokenSet
    joins: TokenSet = TokenSet()
    """Break words that join a clause to the one before it in the same telling ("and"): a past phrase in
    the clauses before reaches the match ("Two years ago I was in a dark place **and** tried to end it")."""


class Scene:
    """One message seen through a :class:`Context`; phrase matches are found once, when first needed."""

    def __init__(self, message: Message, context: Context) -> None:
        self.message = message
        self.context = context
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._ignored: set[int] | None = None
        self._bounds: tuple[list[int], list[int]] | None = None

    def spans(self, name: str) -> list[tuple[int, int]]:
        """Matches of one of the context's phrase lists, by attribute name."""
        if name not in self._spans:
            matcher: Matcher = getattr(self.context, name)
            self._spans[name] = matcher.find(self.message)
        return self._spans[name]

    def ignored(self) -> set[int]:
        """Token positions inside an ``ignore`` phrase."""
        if self._ignored is None:
            self._ignored = {i for start, end in self.spans("ignore") for i in range(start, end)}
        return self._ignored

    def negation(self, start: int) -> str | None:
        """The negation word that cancels a match starting at ``start``, if any."""
        tokens, context = self.message.tokens, self.context
        position = start - 1
        between = 0
        while position >= 0 and between <= context.max_gap:
            if position + 1 in self.message.clause_starts:
                return None
            token = tokens[position]
            if token == SENTENCE or position in self.ignored():
                return None
            if token in context.cues:
                return token
            if token not in context.transparent:
                return None
            position -= 1
            between += 1
        return None

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause around tokens ``start``–``end``: up to a sentence or clause mark or a break word."""
        if self._bounds is None:
            self._bounds = self._clause_bounds()
        lefts, rights = self._bounds
        return lefts[start], rights[end]

    def _clause_bounds(self) -> tuple[list[int], list[int]]:
        """For every token position, where its clause starts (looking left) and ends (looking right).

        Worked out once per message, so a long message with many matches stays linear."""
        tokens, marks, breaks = self.message.tokens, self.message.clause_starts, self.context.clause_breaks
        count = len(tokens)
        lefts = [0] * (count + 1)
        for i in range(1, count + 1):
            edge = i in marks or tokens[i - 1] == SENTENCE or tokens[i - 1] in breaks
            lefts[i] = i if edge else lefts[i - 1]
        rights = [count] * (count + 1)
        for i in range(count - 1, -1, -1):
            edge = i in marks or tokens[i] == SENTENCE or tokens[i] in breaks
            rights[i] = i if edge else rights[i + 1]
        return lefts, rights

    def past_resolved(self, start: int, end: int, level: Level) -> tuple[str, bool] | None:
        """The past-time phrase that lowers a match of ``level`` at ``start``–``end``, if the context does,
        and whether the present is clearly good (``resolved_well``: the match then counts for nothing)."""
        left, right = self.clause(start, end)

        def within(name: str, first: int = left) -> str | None:
            for s, e in self.spans(name):
                if first <= s and e <= right:
                    return self.message.text(s, e)
            return None

        past = within("past") or (within("recent_past") if level == "distress" else None)
        if past is None and within("ongoing") is None:
            # The clause may continue an earlier one of the same sentence ("… ago I was low and tried …").
            first = left
            tokens = self.message.tokens
            while first > 0 and tokens[first - 1] in self.context.joins:
                first = self.clause(first - 1, first - 1)[0]
            if first < left:
                past = within("past", first)
        if past is None or within("ongoing") is not None or self.spans("relapse"):
            return None
        well = any(e <= start or s >= end for s, e in self.spans("resolved_well"))
        if not well and not any(e <= start or s >= end for s, e in self.spans("resolved")):
            return None
        return past, well
