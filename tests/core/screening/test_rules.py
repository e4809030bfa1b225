"""The shipped rules: each rule's examples fire it and its not-examples do not; the data is reviewable."""

from __future__ import annotations

import tomllib

import pytest

from bot.core.screening import RULE_LEVELS, Screener
from bot.screening_rules import DEFAULT_RULES, load_rules

SHIPPED = load_rules(DEFAULT_RULES)
RULES = {rule.id: rule for rule in SHIPPED.rules}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_examples_fire_the_rule(screener: Screener, rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.examples, "every rule needs examples"
    for example in rule.examples:
        fired = [h for h in screener.screen(example).hits if h.rule == rule_id and h.status == "fired"]
        assert fired, f"{rule_id}: {example!r} does not fire it"
        assert screener.screen(example).level in (rule.level, "risk")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_not_examples_do_not_fire_the_rule(screener: Screener, rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.not_examples, "every rule needs not_examples"
    for example in rule.not_examples:
        assert not [h for h in screener.screen(example).hits if h.rule == rule_id and h.level != "none"], \
            f"{rule_id}: {example!r} fires it"


def test_every_rule_is_explained_and_levelled() -> None:
    for rule in SHIPPED.rules:
        assert rule.level in RULE_LEVELS
        assert len(rule.about) > 10, rule.id
        assert rule.source.startswith("screening/"), rule.source


def test_every_level_and_language_is_covered() -> None:
    prefixes = {rule.id.split(".")[0] for rule in SHIPPED.rules}
    assert {"suicide", "self_harm", "harm", "medical", "mood", "isolation", "coping", "money", "housing"} <= prefixes
    assert {"cy", "pl", "ur"} <= prefixes
    assert {rule.level for rule in SHIPPED.rules} == set(RULE_LEVELS)


def test_the_files_are_plain_toml_a_reviewer_can_read() -> None:
    files = sorted(DEFAULT_RULES.glob("*.toml"))
    assert {"rules.toml", "normalise.toml", "cy.toml", "pl.toml", "ur_pa.toml"} <= {f.name for f in files}
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data.get("about"), str), path
    assert (DEFAULT_RULES / "README.md").is_file()
