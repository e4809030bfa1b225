"""`checkin-bot demo` runs a whole programme offline and reports it (a contract: docs/design.md §8.1)."""

from __future__ import annotations

import pytest

from bot.demo import run_demo


async def test_demo_runs_a_programme_and_prints_a_conversation_and_outcomes(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo(weeks=2, people=5, progress=False) == 0
    out = capsys.readouterr().out
    assert "What Ada saw" in out and "bot │" in out
    assert "UCLA-3 loneliness" in out
    ada = next(line for line in out.splitlines() if line.strip().startswith("Ada"))
    assert ada.split()[2].isdigit(), "a prompt answerer has a baseline UCLA-3 score"
    cerys = next(line for line in out.splitlines() if line.strip().startswith("Cerys"))
    assert cerys.split()[2:] == ["—", "—", "—"], "someone who never answers has no scores"
    assert "unreachable people 1" in out and "completed the programme" in out
