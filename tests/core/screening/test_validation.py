"""Rule files are validated when loaded; every problem names the file and the key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.screening import Screener, ScreeningRulesError, build_screener
from bot.screening_rules import load_rules

from .conftest import rule


def problems(build: Callable[..., Screener], *rules: dict[str, object], **sections: object) -> list[str]:
    with pytest.raises(ScreeningRulesError) as caught:
        build(*rules, **sections)
    return caught.value.problems


def test_a_bad_level_is_named_with_its_path(build: Callable[..., Screener]) -> None:
    found = problems(build, rule(), rule(id="b"), rule(id="c"), rule(id="d", level="urgent"))
    assert found == ["screening/rules.toml: rules[3].level: must be one of risk, distress"]


def test_every_problem_is_listed(build: Callable[..., Screener]) -> None:
    found = problems(build, rule(id="Bad Id", colour="red"), rule(examples=[]), rule(patterns="die"),
                     {"id": "x.y"})
    assert "screening/rules.toml: rules[0].colour: unknown key (expected one of: id, level, about, lang, " \
           "patterns, unless, examples, not_examples, needs)" in found
    assert any(p.startswith("screening/rules.toml: rules[0].id: lower-case letters") for p in found)
    assert "screening/rules.toml: rules[1].examples: must be a non-empty list of non-empty strings" in found
    assert "screening/rules.toml: rules[2].patterns: must be a non-empty list of non-empty strings" in found
    assert "screening/rules.toml: rules[3].level: is required" in found
    assert "screening/rules.toml: rules[3].examples: is required" in found


def test_duplicate_ids_are_refused(build: Callable[..., Screener]) -> None:
    found = problems(build, rule(), rule())
    assert found == ["screening/rules.toml: rules[1].id: 'test.rule' is already used in "
                     "screening/rules.toml: rules[0]"]


def test_examples_are_checked(build: Callable[..., Screener]) -> None:
    found = problems(build, rule(examples=["I want to die", "I am fine"], not_examples=["I do want to die"]))
    assert found == [
        "screening/rules.toml: rules[0].examples[1]: does not fire test.rule: 'I am fine'",
        "screening/rules.toml: rules[0].not_examples[0]: fires test.rule: 'I do want to die'",
    ]


def test_sections_and_tables_are_checked(build: Callable[..., Screener]) -> None:
    found = problems(build, rule(), negation={"cues": ["not", "no way"], "max_gap": 99, "extra": 1},
                     fuzzy={"words": ["zzzzzzz"]}, classes={"Bad": ["x"]}, colour="red")
    assert "screening/rules.toml: colour: unknown key (expected one of: about, normalise, classes, negation, " \
           "context, fuzzy, rules)" in found
    assert "screening/rules.toml: negation.max_gap: must be a whole number from 0 to 12" in found
    assert any(p.startswith("screening/rules.toml: negation.extra: unknown key") for p in found)
    assert "screening/rules.toml: negation.cues[1]: 'no way' must be one word (or a stem ending in *)" in found
    assert any(p.startswith("screening/rules.toml: fuzzy.words[0]: 'zzzzzzz' is not a word of any pattern")
               for p in found)
    assert "screening/rules.toml: classes.Bad: a class name is lower-case letters, digits and _" in found


def test_files_merge_and_clashes_name_both_files() -> None:
    one = {"normalise": {"words": {"u": "you"}}, "rules": [rule()]}
    two = {"normalise": {"words": {"u": "ewe"}}, "rules": [rule()]}
    with pytest.raises(ScreeningRulesError) as caught:
        build_screener([("screening/a.toml", one), ("screening/b.toml", two)])
    assert caught.value.problems == [
        "screening/b.toml: normalise.words.u: already defined in screening/a.toml",
        "screening/b.toml: rules[0].id: 'test.rule' is already used in screening/a.toml: rules[0]",
    ]


def test_no_rules_at_all() -> None:
    with pytest.raises(ScreeningRulesError, match="no rules found"):
        build_screener([("screening/empty.toml", {})])


def test_loader_reports_syntax_errors_and_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text("[[rules]\nid = 1\n", encoding="utf-8")
    with pytest.raises(ScreeningRulesError) as caught:
        load_rules(tmp_path)
    assert caught.value.problems[0].startswith(f"{tmp_path.name}/rules.toml: TOML syntax error:")
    with pytest.raises(ScreeningRulesError, match="screening rules not found"):
        load_rules(tmp_path / "missing")
    with pytest.raises(ScreeningRulesError, match=r"no \*\.toml rule files"):
        load_rules(tmp_path / "..")


def test_loader_caches_and_sees_edits(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nid = "a"\nlevel = "risk"\nabout = "x"\npatterns = ["want to die"]\n'
                    'examples = ["want to die"]\nnot_examples = ["want to dine"]\n', encoding="utf-8")
    first = load_rules(path)
    assert load_rules(path) is first
    path.write_text(path.read_text(encoding="utf-8").replace('"risk"', '"distress"') + "\n", encoding="utf-8")
    assert load_rules(path) is not first
    assert load_rules(path).screen("want to die").level == "distress"
