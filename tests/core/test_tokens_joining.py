"""Token shape and hashing; joining steps and what each accepts."""

from __future__ import annotations

from bot.core import joining as joining_rules
from bot.core.tokens import hash_token, is_well_formed
from bot.usecases.enrolment import new_token


def test_new_tokens_are_long_random_and_well_formed() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(is_well_formed(t) and len(t) * 6 >= 128 for t in tokens)


def test_malformed_tokens_are_rejected_before_any_lookup() -> None:
    for bad in ("", "abc", "x" * 31, "x" * 33, "a" * 31 + "!", "' OR 1=1 --" + "a" * 21):
        assert not is_well_formed(bad)


def test_only_the_hash_is_stored() -> None:
    token = new_token()
    digest = hash_token(token)
    assert len(digest) == 64 and token not in digest


def test_steps_follow_in_order_and_answers_are_checked() -> None:
    assert joining_rules.following("consent") == "language"
    assert joining_rules.following("time") is None
    assert joining_rules.accepts("day", "6", ["10:00"])
    assert not joining_rules.accepts("day", "7", ["10:00"])
    assert not joining_rules.accepts("time", "03:00", ["10:00"])
    assert not joining_rules.accepts("language", "fr", [])
