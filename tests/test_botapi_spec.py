"""The Bot API specification check itself: it catches bad calls, and a missing file is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.botapi_spec import SPEC, SpecMissing, violations


def test_the_specification_ships_with_the_tests() -> None:
    assert SPEC.is_file()


def test_a_bad_call_is_caught() -> None:
    calls = [{"method": "sendMessage", "params": {"chat_id": 1, "text": "hi", "colour": "red"}},
             {"method": "sendMessage", "params": {"chat_id": 1}}, {"method": "sendTelegram", "params": {}}]
    assert violations(calls) == ["sendMessage: missing required text", "sendMessage: unknown parameter colour",
                                 "unknown method sendTelegram"]


def test_a_missing_specification_fails_rather_than_passing_silently(tmp_path: Path) -> None:
    with pytest.raises(SpecMissing, match="cannot be read"):
        violations([{"method": "sendMessage", "params": {"chat_id": 1, "text": "hi"}}], tmp_path / "api.json")
