"""Crashes and stops with real processes: ``checkin-bot run`` and ``checkin-bot sandbox`` as subprocesses.

Nothing may be lost: every due check-in reaches its person, and every tap is stored and answered. A
SIGKILL may cause a duplicate only for a send that was in flight when the process died (Telegram has no
idempotency key, and a duplicate the person can ignore is better than a loss nobody sees); a SIGTERM
causes none. The figures are printed for the closing note (run with ``-s`` to see them).
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import FIRST_USER, TOKEN, BotProcess, Sandbox, populate, until, write_config

CONCURRENCY = 16  # the drain's default: the most sends that can be in flight when a process dies
QUESTION = "feeling this week"

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def questions(sandbox: Sandbox) -> Counter[int]:
    """How many copies of the check-in question each chat was sent (successful sendMessage calls)."""
    return Counter(int(c["params"]["chat_id"]) for c in sandbox.calls("sendMessage")
                   if c["status"] == 200 and QUESTION in str(c["params"].get("text", "")))


def delivered(questions_sent: Counter[int]) -> int:
    return sum(questions_sent.values())


def dispatch_through(stop: str, tmp_path: Path, people: int = 500, seed: int = 6) -> tuple[int, int]:
    """Dispatch ``people`` check-ins, stopping the bot (``kill`` or ``terminate``) at 3 random moments and
    restarting it each time; returns (lost, duplicates)."""
    rng = random.Random(seed)
    with Sandbox() as sandbox:
        sandbox.add_users(range(FIRST_USER, FIRST_USER + people))
        config = write_config(tmp_path, sandbox.port)
        asyncio.run(populate(config, people))
        with BotProcess(config) as bot:
            for _ in range(3):
                bot.start()
                target = min(people, delivered(questions(sandbox)) + rng.randint(20, 120))
                until(lambda: delivered(questions(sandbox)) >= target, 120, "sends to start")  # noqa: B023
                if stop == "kill":
                    bot.kill()
                else:
                    assert bot.terminate() == 0
            bot.start()
            until(lambda: len(questions(sandbox)) == people, 180, "every check-in to arrive")
            assert bot.alive()
            assert bot.terminate() == 0
            sent = questions(sandbox)
        log = bot.log.read_text()
        assert "Traceback" not in log, "stops and restarts log no tracebacks"
        assert TOKEN not in log and "Person " not in log, "no token and no names in the log"
    lost = people - len(sent)
    duplicates = sum(n - 1 for n in sent.values())
    print(f"\n{stop} x3 during dispatch of {people}: lost {lost}, duplicates {duplicates}")
    return lost, duplicates


def test_killed_three_times_during_dispatch_every_checkin_arrives(tmp_path: Path) -> None:
    lost, duplicates = dispatch_through("kill", tmp_path)
    assert lost == 0
    assert duplicates <= 3 * CONCURRENCY, "only sends in flight at a kill may go twice"


def test_stopped_three_times_during_dispatch_nothing_lost_or_doubled(tmp_path: Path) -> None:
    assert dispatch_through("terminate", tmp_path) == (0, 0)


@pytest.fixture
def bots() -> Iterator[list[BotProcess]]:
    """Bots a test starts; any still running when it ends (a failure) are killed."""
    started: list[BotProcess] = []
    yield started
    for bot in started:
        bot.__exit__()


def test_killed_during_a_burst_of_taps_every_tap_is_stored_and_answered(tmp_path: Path,
                                                                       bots: list[BotProcess]) -> None:
    people = 300
    with Sandbox() as sandbox:
        sandbox.add_users(range(FIRST_USER, FIRST_USER + people))
        config = write_config(tmp_path, sandbox.port)
        asyncio.run(populate(config, people))
        bot = BotProcess(config)
        bots.append(bot)
        bot.start()
        until(lambda: len(questions(sandbox)) == people, 120, "every check-in to arrive")
        shown = {chat: sandbox.messages(chat)[-1] for chat in range(FIRST_USER, FIRST_USER + people)}
        for chat, question in shown.items():
            good = question["reply_markup"]["inline_keyboard"][3][0]["callback_data"]
            sandbox.press(chat, question["message_id"], good)
        until(lambda: len(sandbox.calls("answerCallbackQuery")) >= 60, 60, "taps to be answered")
        bot.kill()
        bot.start()

        def answered(chat: int) -> bool:
            texts = [m.get("text", "") for m in sandbox.messages(chat)]
            return "✓" in texts[0] and len(texts) >= 2

        until(lambda: all(answered(chat) for chat in shown), 120, "every person to see what follows their tap")
        assert bot.terminate() == 0
    database = re.search(r'url = "sqlite:///(.+)"', config.read_text())
    assert database is not None
    with sqlite3.connect(database.group(1)) as db:
        stored = db.execute("SELECT count(*), count(DISTINCT checkin_id) FROM answers").fetchone()
        processed = db.execute("SELECT count(*) FROM inbox WHERE status = 'done'").fetchone()[0]
    assert stored == (people, people), "every tap stored, once"
    assert processed >= people
    print(f"\nkill during {people} taps: stored {stored[0]}, every person answered")


def test_one_in_ten_calls_failing_loses_nothing_and_no_process_dies(tmp_path: Path,
                                                                    bots: list[BotProcess]) -> None:
    people = 1000
    with Sandbox() as sandbox:
        sandbox.add_users(range(FIRST_USER, FIRST_USER + people))
        config = write_config(tmp_path, sandbox.port, send_timeout_seconds=1)
        asyncio.run(populate(config, people))
        for kind in ("429", "500", "drop", "timeout"):
            sandbox.faults(kind=kind, rate=0.025, retry_after=1, delay=1.5)
        bot = BotProcess(config)
        bots.append(bot)
        bot.start()
        until(lambda: len(questions(sandbox)) == people, 300, "every check-in to arrive")
        assert bot.alive(), "no process dies"
        assert bot.terminate() == 0
        sent = questions(sandbox)
        statuses = Counter(c["status"] for c in sandbox.calls())
    summary = re.findall(r"stopped; delivery: (\{.*\})", bot.log.read_text())
    assert summary, "the bot reports its delivery figures when it stops"
    resent = int(re.search(r"'resent_after_unknown': (\d+)", summary[-1]).group(1))  # type: ignore[union-attr]
    duplicates = sum(n - 1 for n in sent.values())
    print(f"\n10% faults over {people}: lost {people - len(sent)}, duplicates {duplicates}, "
          f"resent after an unknown outcome {resent}, statuses {dict(statuses)}")
    assert len(sent) == people
    assert duplicates <= resent, "duplicates only where the outcome was unknown, and all of them reported"
