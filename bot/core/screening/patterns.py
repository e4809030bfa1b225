"""The pattern language of the rules, compiled to regular expressions over a message's normalised words.

A pattern is words in order, each normalised as a message is (so "can't" is "can not", "chcę" is "chce"):

- ``word`` one word; ``stem*`` any word starting with ``stem`` (at least 3 letters, ``suicid*``, or digits)
- ``(a | b c | d)`` one of the alternatives; ``[a | b]`` the same, or nothing
- ``@name`` one of the patterns of the class ``name`` in ``[classes]``
- ``~N`` up to N other words (1–9), never across the end of a sentence; not first or last

A pattern matches whole words only and never crosses the end of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.screening.text import SENTENCE, SENTENCE_MARKS, Words

LEXER = re.compile(r"\s*(\(|\)|\[|\]|\||~\d*|@[A-Za-z0-9_]*|[^\s()\[\]|~@]+)")
GAP = "(?:[^ .][^ ]* )"


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


@dataclass
class Node:
    """A compiled piece: its regex, whether it can match nothing, and the words it can start with."""

    regex: str
    nullable: bool
    words: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    gap_first: bool = False
    gap_last: bool = False


def _seq(items: Sequence[Node]) -> Node:
    node = Node("".join(i.regex for i in items), all(i.nullable for i in items))
    for item in items:
        node.words |= item.words
        node.prefixes |= item.prefixes
        node.gap_first = node.gap_first or item.gap_first
        if not item.nullable:
            break
    for item in reversed(items):
        node.gap_last = node.gap_last or item.gap_last
        if not item.nullable:
            break
    return node


def _alt(options: Sequence[Node], optional: bool) -> Node:
    node = Node("(?:" + "|".join(o.regex for o in options) + ")" + ("?" if optional else ""),
                optional or any(o.nullable for o in options))
    for option in options:
        node.words |= option.words
        node.prefixes |= option.prefixes
        node.gap_first = node.gap_first or option.gap_first
        node.gap_last = node.gap_last or option.gap_last
    return node


class Compiler:
    """Compiles patterns; ``phrase`` normalises a literal word; ``classes`` are the raw class patterns."""

    def __init__(self, phrase: Callable[[str], Words], classes: Mapping[str, Sequence[str]]) -> None:
        self.phrase = phrase
        self.classes = classes
        self.vocabulary: set[str] = set()
        self.stems: set[str] = set()
        self._done: dict[str, Node] = {}
        self._resolving: list[str] = []
        self._broken: set[str] = set()

    def compile(self, pattern: str) -> Node:
        """One pattern as a :class:`Node`; raises :class:`PatternError`."""
        parts = LEXER.findall(pattern)
        if "".join(parts).replace(" ", "") != re.sub(r"\s", "", pattern):
            raise PatternError("cannot be read")
        if not parts:
            raise PatternError("is empty")
        node, rest = self._alternatives(parts, closing=None)
        if rest:
            raise PatternError(f"unexpected {rest[0]!r}")
        if node.nullable:
            raise PatternError("can match nothing at all")
        if node.gap_first or node.gap_last:
            raise PatternError("cannot start or end with ~N")
        return node

    def _alternatives(self, parts: list[str], closing: str | None) -> tuple[Node, list[str]]:
        options: list[Node] = []
        items: list[Node] = []
        while parts:
            part, parts = parts[0], parts[1:]
            if part in (")", "]"):
                if part != closing:
                    raise PatternError(f"unexpected {part!r}")
                options.append(_seq(items))
                return _alt(options, optional=False) if len(options) > 1 else options[0], [part, *parts]
            if part == "|":
                options.append(_seq(items))
                items = []
            elif part in ("(", "["):
                inner, parts = self._alternatives(parts, ")" if part == "(" else "]")
                if not parts or parts[0] != (")" if part == "(" else "]"):
                    raise PatternError(f"{part!r} is not closed")
                parts = parts[1:]
                items.append(_alt([inner], optional=True) if part == "[" else inner)
            elif part.startswith("~"):
                if not re.fullmatch(r"~[1-9]", part):
                    raise PatternError(f"{part!r}: a gap is ~1 to ~9")
                items.append(Node(f"{GAP}{{0,{part[1:]}}}", True, gap_first=True, gap_last=True))
            elif part.startswith("@"):
                items.append(self._class(part[1:]))
            else:
                items.append(self._word(part))
        if closing is not None:
            raise PatternError(f"{'(' if closing == ')' else '['!r} is not closed")
        options.append(_seq(items))
        return (_alt(options, optional=False) if len(options) > 1 else options[0]), []

    def _word(self, part: str) -> Node:
        prefix = part.endswith("*")
        stem = part.rstrip("*")
        words = (stem,) if prefix and stem.isascii() and stem.isdigit() else self.phrase(stem).tokens
        if SENTENCE in words or any(ch in SENTENCE_MARKS for ch in part):
            raise PatternError(f"{part!r}: sentence punctuation cannot be part of a pattern")
        if not words or "*" in part.rstrip("*"):
            raise PatternError(f"{part!r} has no letters to match" if not words else f"{part!r}: '*' only at the end")
        if prefix and len(words[-1]) < (1 if words[-1].isdigit() else 3):
            raise PatternError(f"{part!r}: a stem needs at least 3 letters (or a digit)")
        self.vocabulary.update(words)
        if prefix:
            self.stems.add(words[-1])
        nodes = [Node(re.escape(w) + " ", False, words={w}) for w in words[:-1]]
        last = words[-1]
        nodes.append(Node(re.escape(last) + "[^ ]* ", False, prefixes={last}) if prefix
                     else Node(re.escape(last) + " ", False, words={last}))
        return _seq(nodes)

    def _class(self, name: str) -> Node:
        if name in self._done:
            return self._done[name]
        if name in self._broken:
            raise PatternError(f"uses @{name}, which has a problem of its own")
        if name not in self.classes:
            raise PatternError(f"unknown class @{name}")
        if name in self._resolving:
            raise PatternError(f"class @{name} refers to itself")
        self._resolving.append(name)
        try:
            options = []
            for pattern in self.classes[name]:
                try:
                    options.append(self.compile(pattern))
                except PatternError as exc:
                    self._broken.add(name)
                    raise PatternError(f"in @{name} {pattern!r}: {exc}") from None
        finally:
            self._resolving.pop()
        node = self._done[name] = _alt(options, optional=False)
        return node


class Message:
    """A message's words ready for matching: the joined string and where each word starts in it."""

    def __init__(self, words: Words) -> None:
        self.tokens = words.tokens
        self.clause_starts = words.clause_starts
        self.joined = " " + " ".join(self.tokens) + " "
        self.starts: list[int] = []
        offset = 1
        for token in self.tokens:
            self.starts.append(offset)
            offset += len(token) + 1
        self.index_of = {start: i for i, start in enumerate(self.starts)}
        self.index_of[len(self.joined)] = len(self.tokens)
        self.positions: dict[str, list[int]] = {}
        for i, token in enumerate(self.tokens):
            self.positions.setdefault(token, []).append(i)

    def text(self, start: int, end: int) -> str:
        """The normalised words from token ``start`` up to ``end``."""
        return " ".join(self.tokens[start:end])


class Matcher:
    """Finds every match of a set of patterns in a message (overlapping matches included).

    At each start, only the patterns that can begin with the word there are tried (in their order, so the
    result is the same as trying them all): a message of many common words stays fast."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes = list(nodes)
        self.regex = re.compile("|".join(f"(?:{n.regex})" for n in self.nodes)) if self.nodes else None
        self.words: frozenset[str] = frozenset(w for n in self.nodes for w in n.words)
        self.prefixes: tuple[str, ...] = tuple(sorted({p for n in self.nodes for p in n.prefixes}))
        self._for_word: dict[str, re.Pattern[str] | None] = {}
        self._for_set: dict[tuple[int, ...], re.Pattern[str]] = {}

    def _regex_for(self, token: str) -> re.Pattern[str] | None:
        """The patterns that can start with ``token``, as one regular expression (cached)."""
        if token in self._for_word:
            return self._for_word[token]
        chosen = tuple(i for i, n in enumerate(self.nodes)
                       if token in n.words or (n.prefixes and token.startswith(tuple(n.prefixes))))
        regex = None
        if chosen:
            regex = self._for_set.get(chosen)
            if regex is None:
                regex = self._for_set[chosen] = re.compile("|".join(f"(?:{self.nodes[i].regex})" for i in chosen))
        if len(self._for_word) > 50_000:
            self._for_word.clear()
        self._for_word[token] = regex
        return regex

    def starts(self, message: Message) -> list[int]:
        """Token positions where a match could begin."""
        found: set[int] = set()
        for token, positions in message.positions.items():
            if token in self.words or (self.prefixes and token.startswith(self.prefixes)):
                found.update(positions)
        return sorted(found)

    def find(self, message: Message, candidates: Iterable[int] | None = None) -> list[tuple[int, int]]:
        """Every match as (first token, token after the last)."""
        if self.regex is None:
            return []
        spans = []
        for start in (self.starts(message) if candidates is None else candidates):
            regex = self._regex_for(message.tokens[start])
            match = regex.match(message.joined, message.starts[start]) if regex is not None else None
            if match:
                spans.append((start, message.index_of[match.end()]))
        return spans
