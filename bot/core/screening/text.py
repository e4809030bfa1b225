"""Turning a message into the words the rules are written in.

Each step is the same for a message and for a rule's patterns, so a rule written "I can't breathe" matches
"i CANT breath" as well as "I can’t breathe":

0. HTML character references are decoded ("can&#39;t" → "can't"); tags are not words anyway ("<b>" reads
   as the letter b between spaces).
1. Unicode is composed (NFC) and lower-cased; Latin letters lose their accents ("chcę umrzeć" → "chce
   umrzec", "ŵ" → "w", "ł" → "l"); other scripts are kept as they are, less optional marks (Urdu vowel
   marks, the Gurmukhi nukta).
2. Emoji listed in ``[normalise] emoji`` become words (``🔪`` → ``emoji_knife``); other emoji and symbols
   are spaces. A lone ``*`` inside a word is read as ``i`` ("k*ll" → "kill").
3. A decimal point inside a number is the word ``dot`` ("sugar 1.9" → "sugar 1dot9") and a thousands comma
   goes ("£3,000" → "3000"); otherwise ``. ! ?`` and new lines end a sentence; ``, ; : ( )`` and dashes
   end a clause. Both are kept as marks.
4. Words with an apostrophe are looked up in ``contractions`` ("can't" → "can not"), else split at an
   ``endings`` entry ("couldn't" → "could not", Welsh "teimlo'n" → "teimlo yn"); other apostrophes go.
5. A letter typed three or more times is squeezed ("sooooo" → "so" if the rules know "so", else "soo").
6. ``[normalise] words`` rewrites a word to one or more ("cant" → "can not", "kms" → "kill myself").
7. Typos of the ``[fuzzy]`` keywords are corrected (see :mod:`bot.core.screening.fuzzy`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.screening.fuzzy import TypoFixer

SENTENCE = "."
CLAUSE = ","
EMOJI_PREFIX = "emoji_"
APOSTROPHES = frozenset("'’‘`´ʼʹ′")
SENTENCE_MARKS = frozenset(".!?…\n\r。؟")
CLAUSE_MARKS = frozenset(",;:()[]{}\"“”«»„–—|/،")
IGNORED = frozenset("\u200d\ufe0f\ufe0e\u200c\u200b\u00ad") | frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
DROPPED_MARKS = frozenset("\u0a3c\u093c\u0640\u0670") | frozenset(chr(c) for c in range(0x064B, 0x0660))
LATIN_EXTRA = {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d",
               "ي": "ی", "ك": "ک"}
STAR = re.compile(r"(?<=[^\W\d_])\*(?=[^\W\d_])")
RUN = re.compile(r"([a-z])\1{2,}")
DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def _char(ch: str, emoji: Mapping[str, str]) -> str:
    """What one character of a message becomes."""
    if ch in emoji:
        return f" {EMOJI_PREFIX}{emoji[ch]} "
    if ch in APOSTROPHES:
        return "'"
    if ch in SENTENCE_MARKS:
        return f" {SENTENCE} "
    if ch in CLAUSE_MARKS:
        return f" {CLAUSE} "
    if ch in IGNORED or ch in DROPPED_MARKS:
        return ""
    if ch == "&":
        return " and "
    if ch.isascii():
        return ch.lower() if ch.isalnum() else " "
    category = unicodedata.category(ch)
    if category[0] in "LN":
        low = ch.casefold()
        if low in LATIN_EXTRA:
            return LATIN_EXTRA[low]
        base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
        if base.isascii() and base.isalnum():
            return base.lower()
        return unicodedata.normalize("NFC", low)
    if category[0] == "M":
        return ch
    return " "


@dataclass(frozen=True)
class Words:
    """A message as words: ``tokens`` holds words and :data:`SENTENCE` marks; ``clause_starts`` holds the
    index of every token that follows a clause mark."""

    tokens: tuple[str, ...]
    clause_starts: frozenset[int]


class Normaliser:
    """The normalisation steps above, with the tables from the rules' ``[normalise]`` and ``[fuzzy]``."""

    def __init__(self, emoji: Mapping[str, str], contractions: Mapping[str, str], endings: Mapping[str, str],
                 words: Mapping[str, str], vocabulary: frozenset[str] = frozenset(),
                 typos: TypoFixer | None = None) -> None:
        self.emoji = dict(emoji)
        self.contractions = dict(contractions)
        self.endings = sorted(endings.items(), key=lambda item: -len(item[0]))
        self.words = {key: tuple(value.split()) for key, value in words.items()}
        self.vocabulary = vocabulary
        self.typos = typos
        self._chars: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, ...]] = {}

    def with_vocabulary(self, vocabulary: frozenset[str], typos: TypoFixer | None) -> Normaliser:
        """The same tables, knowing every word the rules use (for squeezing and typo correction)."""
        return Normaliser(self.emoji, self.contractions, dict(self.endings),
                          {k: " ".join(v) for k, v in self.words.items()}, vocabulary, typos)

    def characters(self, text: str) -> str:
        """Steps 0–3: a string of space-separated raw words and marks."""
        if "&" in text:
            text = html.unescape(text)
        text = STAR.sub("i", unicodedata.normalize("NFC", text))
        if "." in text or "," in text:
            text = THOUSANDS.sub("", DECIMAL.sub("dot", text))
        out = []
        for ch in text:
            mapped = self._chars.get(ch)
            if mapped is None:
                mapped = self._chars[ch] = _char(ch, self.emoji)
            out.append(mapped)
        return "".join(out)

    def split(self, text: str) -> Words:
        """A message (or a phrase of a pattern) as :class:`Words`."""
        tokens: list[str] = []
        clause_starts: set[int] = set()
        for raw in self.characters(text).split():
            if raw == SENTENCE:
                if tokens and tokens[-1] != SENTENCE:
                    tokens.append(SENTENCE)
            elif raw == CLAUSE:
                clause_starts.add(len(tokens))
            else:
                cached = self._tokens.get(raw)
                if cached is None:
                    if len(self._tokens) > 100_000:
                        self._tokens.clear()
                    cached = self._tokens[raw] = self._word(raw)
                tokens.extend(cached)
        while tokens and tokens[-1] == SENTENCE:
            tokens.pop()
        return Words(tuple(tokens), frozenset(clause_starts))

    def _word(self, raw: str) -> tuple[str, ...]:
        """Steps 4–7 for one raw word."""
        raw = raw.strip("'")
        if not raw:
            return ()
        if "'" in raw:
            if raw in self.contractions:
                parts = self.contractions[raw].split()
            else:
                parts = [raw]
                for ending, replacement in self.endings:
                    if raw.endswith(ending) and len(raw) > len(ending):
                        parts = [raw[: -len(ending)], *replacement.split()]
                        break
            parts = [p.replace("'", "") for p in parts]
        else:
            parts = [raw]
        out: list[str] = []
        for part in parts:
            if not part:
                continue
            part = self._squeeze(part)
            rewritten = self.words.get(part)
            if rewritten is not None:
                out.extend(rewritten)
                continue
            if self.typos is not None and part not in self.vocabulary:
                part = self.typos.correct(part) or part
            out.append(part)
        return tuple(out)

    def _squeeze(self, word: str) -> str:
        if not RUN.search(word):
            return word
        once = RUN.sub(r"\1", word)
        if once in self.vocabulary or once in self.words:
            return once
        return RUN.sub(r"\1\1", word)
