"""Fixtures: a running Bot API emulator and a real python-telegram-bot Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.sandbox.limits import Limits
from bot.sandbox.server import RunningSandbox

TOKEN = "123456:TEST-token_abc"


@pytest.fixture
async def sb() -> AsyncIterator[RunningSandbox]:
    """An emulator without rate limits (tests about limits set their own)."""
    async with RunningSandbox(limits=Limits.unlimited()) as sandbox:
        yield sandbox


@pytest.fixture
async def bot(sb: RunningSandbox) -> AsyncIterator[Bot]:
    """A real PTB Bot talking to the emulator."""
    async with Bot(TOKEN, base_url=sb.bot_base_url, base_file_url=sb.base_file_url) as b:
        yield b
