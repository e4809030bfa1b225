"""Correcting typos of a few chosen keywords ("sucidal", "myslef", "paracetemol").

Only the words listed in the rules' ``[fuzzy] words`` are ever corrected to, only from words of at least
``min_length`` letters that are neither known to the rules nor listed in ``[fuzzy] never`` (real words that
are one typo away from a keyword, such as "lovely" from "lonely"). One typo (a letter added, dropped,
changed, or two neighbours swapped) is allowed, two from ``two_typos_from`` letters on.
"""

from __future__ import annotations

from collections.abc import Iterable


def _deletes(word: str, depth: int) -> set[str]:
    """Every string made by deleting up to ``depth`` letters from ``word`` (``word`` included)."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein without re-editing), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


class TypoFixer:
    """Maps a misspelt word to the one keyword it is a typo of (or to nothing)."""

    def __init__(self, keywords: Iterable[str], never: Iterable[str], min_length: int, two_typos_from: int) -> None:
        self.keywords = frozenset(keywords)
        self.never = frozenset(never)
        self.min_length = min_length
        self.two_typos_from = two_typos_from
        self._index: dict[str, set[str]] = {}
        for keyword in self.keywords:
            for variant in _deletes(keyword, self._allowed(keyword)):
                self._index.setdefault(variant, set()).add(keyword)

    def _allowed(self, word: str) -> int:
        return 2 if len(word) >= self.two_typos_from else 1

    def correct(self, word: str) -> str | None:
        """The keyword ``word`` is a typo of, or None (also when two keywords are equally near)."""
        if len(word) < self.min_length or word in self.never or word in self.keywords or not word.isalpha():
            return None
        limit = self._allowed(word)
        candidates: set[str] = set()
        for variant in _deletes(word, limit):
            candidates |= self._index.get(variant, set())
        best: list[tuple[int, str]] = []
        for keyword in candidates:
            allowed = min(limit, self._allowed(keyword))
            found = distance(word, keyword, allowed)
            if found <= allowed:
                best.append((found, keyword))
        if not best:
            return None
        best.sort()
        if len(best) > 1 and best[0][0] == best[1][0]:
            return None
        return best[0][1]
