"""Shared fixtures: the database backends tests run on, and a running bot whose every Bot API call
is checked against the Telegram specification when the test ends."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.testing import Harness
from tests.botapi_spec import SPEC, violations

POSTGRES_URL = os.environ.get("CHECKIN_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the flows' golden transcripts from the current flows and messages."""
    parser.addoption("--update-golden", action="store_true", help="rewrite flows/*.test.json")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden transcripts are being rewritten (``--update-golden`` or ``UPDATE_GOLDEN=1``)."""
    return bool(request.config.getoption("--update-golden")) or os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """A database URL per backend: None for a fresh SQLite file, or the PostgreSQL test database."""
    return POSTGRES_URL if request.param == "postgres" else None


@pytest.fixture
async def harness(database_url: str | None) -> AsyncIterator[Harness]:
    """A running bot against the sandbox with a simulated clock, on each database backend."""
    async with Harness(database_url) as h:
        yield h


@pytest.fixture(autouse=True)
def every_bot_api_call_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whenever a test's bot stops, every Bot API call it made must match the Bot API specification."""
    original = Harness.__aexit__

    async def checked_exit(self: Harness, *exc: Any) -> None:
        calls = list(self.sandbox.state.calls)
        await original(self, *exc)
        assert violations(calls, SPEC) == [], "the bot made Bot API calls that break the specification"

    monkeypatch.setattr(Harness, "__aexit__", checked_exit)
