"""Building a :class:`Screener` from parsed rule files, checking everything, and every rule's examples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from bot.core.screening.context import Context, TokenSet
from bot.core.screening.engine import Rule, Screener
from bot.core.screening.fuzzy import TypoFixer
from bot.core.screening.model import Level, ScreeningRulesError
from bot.core.screening.patterns import Compiler, Matcher, Node, PatternError
from bot.core.screening.schema import Gathered, gather
from bot.core.screening.text import EMOJI_PREFIX, IGNORED, Normaliser, Words


def build_screener(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> Screener:
    """A screener from rule files given as (label, parsed TOML), e.g. ``("screening/rules.toml", {...})``.

    Raises :class:`ScreeningRulesError` listing every problem, including each rule example that does not
    fire its rule and each ``not_examples`` entry that does.
    """
    found = gather(documents)
    problems = found.problems
    base = _normaliser(found, problems)
    compiler = Compiler(base.split, {name: patterns for name, (patterns, _) in found.classes.items()})

    def compiled(patterns: Sequence[tuple[str, str]]) -> list[Node]:
        nodes = []
        for pattern, where in patterns:
            try:
                nodes.append(compiler.compile(pattern))
            except PatternError as exc:
                problems.append(f"{where}: {pattern!r} {exc}")
        return nodes

    for patterns, where in found.classes.values():
        compiled([(p, f"{where}[{i}]") for i, p in enumerate(patterns)])

    def words(name: str) -> TokenSet:
        exact: set[str] = set()
        stems: set[str] = set()
        for value, where in found.lists.get(name, []):
            tokens = base.split(value.rstrip("*")).tokens
            if len(tokens) != 1 or "*" in value.rstrip("*"):
                problems.append(f"{where}: {value!r} must be one word (or a stem ending in *)")
            elif value.endswith("*"):
                stems.add(tokens[0])
            else:
                exact.add(tokens[0])
        compiler.vocabulary.update(exact | stems)
        return TokenSet(frozenset(exact), tuple(sorted(stems)))

    def phrases(name: str) -> Matcher:
        return Matcher(compiled(found.lists.get(name, [])))

    context = Context(
        cues=words("negation.cues"), transparent=words("negation.transparent"), ignore=phrases("negation.ignore"),
        max_gap=found.numbers["negation.max_gap"], past=phrases("context.past"),
        recent_past=phrases("context.recent_past"), ongoing=phrases("context.ongoing"),
        resolved=phrases("context.resolved"), resolved_well=phrases("context.resolved_well"),
        relapse=phrases("context.relapse"),
        clause_breaks=words("context.clause_breaks"), joins=words("context.joins"))
    rules = []
    for raw in found.rules:
        found_patterns = compiled([(p, f"{raw.where}.patterns[{i}]") for i, p in enumerate(raw.patterns)])
        unless = compiled([(p, f"{raw.where}.unless[{i}]") for i, p in enumerate(raw.unless)])
        needs = compiled([(p, f"{raw.where}.needs[{i}]") for i, p in enumerate(raw.needs)])
        rules.append(Rule(raw.id, cast(Level, raw.level), raw.about, raw.lang, Matcher(found_patterns),
                          Matcher(unless),
                          tuple(raw.examples), tuple(raw.not_examples), raw.where,
                          tuple(Matcher([need]) for need in needs) if needs else None))
    if not rules and not problems:
        problems.append("no rules found: a screener needs at least one [[rules]] entry")
    vocabulary = frozenset(compiler.vocabulary)
    typos = _typos(found, base, problems, vocabulary, tuple(compiler.stems))
    if problems:
        raise ScreeningRulesError(problems)
    screener = Screener(base.with_vocabulary(vocabulary, typos), rules, context)
    problems.extend(check_examples(screener))
    if problems:
        raise ScreeningRulesError(problems)
    return screener


def check_examples(screener: Screener) -> list[str]:
    """A problem for each example that does not fire its rule and each not-example that does."""
    problems = []
    for rule in screener.rules:
        for index, example in enumerate(rule.examples):
            if not any(h.rule == rule.id and h.status == "fired" for h in screener.hits(example)):
                problems.append(f"{rule.source}.examples[{index}]: does not fire {rule.id}: {example!r}")
        for index, example in enumerate(rule.not_examples):
            if any(h.rule == rule.id and h.level != "none" for h in screener.hits(example)):
                problems.append(f"{rule.source}.not_examples[{index}]: fires {rule.id}: {example!r}")
    return problems


def _normaliser(found: Gathered, problems: list[str]) -> Normaliser:
    def entries(name: str) -> list[tuple[str, str, str]]:
        return [(key, value, f"{label}: {name}.{key}") for key, (value, label) in found.tables.get(name, {}).items()]

    emoji = {}
    for key, name, where in entries("normalise.emoji"):
        char = "".join(c for c in key if c not in IGNORED)
        if len(char) != 1 or char.isalnum() or not name.replace("_", "").isalnum() or not name.isascii():
            problems.append(f"{where}: one emoji = a name of letters, digits and _ (e.g. \"knife\")")
        else:
            emoji[char] = name.lower()
    plain = Normaliser(emoji, {}, {}, {})

    def spelled(where: str, value: str) -> str | None:
        cleaned = plain.characters(value).split()
        if not cleaned or any(w in (".", ",") or "'" in w for w in cleaned):
            problems.append(f"{where}: {value!r} must be plain words")
            return None
        return " ".join(cleaned)

    contractions, endings, rewrites = {}, {}, {}
    for key, value, where in entries("normalise.contractions"):
        word, target = plain.characters(key).strip(), spelled(where, value)
        if "'" not in word or " " in word:
            problems.append(f"{where}: must be one word with an apostrophe")
        elif target is not None:
            contractions[word] = target
    for key, value, where in entries("normalise.endings"):
        # An empty target drops the ending: "wife's" → "wife".
        ending, target = plain.characters(key).strip(), spelled(where, value) if value.strip() else ""
        if not ending.startswith(("'", "n'")) or " " in ending:
            problems.append(f"{where}: must be the end of a word, from its apostrophe (\"'m\", \"n't\")")
        elif target is not None:
            endings[ending] = target
    for key, value, where in entries("normalise.words"):
        word, target = plain.characters(key).strip(), spelled(where, value)
        if not word or " " in word or "'" in word or word.startswith(EMOJI_PREFIX):
            problems.append(f"{where}: must be one word without apostrophes")
        elif target is not None:
            rewrites[word] = target
    return Normaliser(emoji, contractions, endings, rewrites)


def _typos(found: Gathered, base: Normaliser, problems: list[str], vocabulary: frozenset[str],
           stems: tuple[str, ...]) -> TypoFixer | None:
    def single(name: str) -> list[str]:
        out = []
        for value, where in found.lists.get(name, []):
            tokens: Words = base.split(value)
            if len(tokens.tokens) != 1 or not tokens.tokens[0].isalpha():
                problems.append(f"{where}: {value!r} must be one word of letters")
            elif name == "fuzzy.words" and tokens.tokens[0] not in vocabulary \
                    and not tokens.tokens[0].startswith(stems):
                problems.append(f"{where}: {value!r} is not a word of any pattern, so correcting to it is useless")
            else:
                out.append(tokens.tokens[0])
        return out

    keywords = single("fuzzy.words")
    never = single("fuzzy.never")
    if not keywords:
        return None
    return TypoFixer(keywords, never, found.numbers["fuzzy.min_length"], found.numbers["fuzzy.two_typos_from"])
