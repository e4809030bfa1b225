"""Rate limits (429 with retry_after) and injected faults, seen through python-telegram-bot."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.sandbox.faults import FaultInjector
from bot.sandbox.limits import Limits, RateLimiter
from bot.sandbox.server import RunningSandbox
from tests.sandbox.conftest import TOKEN

USER, OTHER = 3003, 3004


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's future RetryAfter.retry_after type (the old one warns, and warnings are errors)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


async def test_per_chat_burst_then_429_with_retry_after() -> None:
    async with RunningSandbox(limits=Limits(per_chat_burst=3)) as sb, \
            Bot(TOKEN, base_url=sb.bot_base_url) as bot:
        await sb.client.say(USER, "hi")
        await sb.client.say(OTHER, "hi")
        for i in range(3):
            await bot.send_message(USER, f"burst {i}")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "one too many")
        assert caught.value.retry_after.total_seconds() >= 1
        await bot.send_message(OTHER, "other chats have their own bucket")
        call = [c for c in await sb.client.calls() if c["status"] == 429]
        assert len(call) == 1 and call[0]["params"]["text"] == "one too many"
        assert len(await sb.client.messages(USER)) == 3
        assert (await sb.client.set_limits(enabled=False))["enabled"] is False
        await bot.send_message(USER, "fine once limits are off")


async def test_unlimited_allows_bursts(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    for i in range(40):
        await bot.send_message(USER, f"m{i}")
    assert len(await sb.client.messages(USER)) == 40


def test_token_buckets_with_injected_clock() -> None:
    now = [100.0]
    limiter = RateLimiter(Limits(per_chat_rate=1.0, per_chat_burst=2, overall_rate=30, overall_burst=3),
                          clock=lambda: now[0])
    assert limiter.acquire(1) is None and limiter.acquire(1) is None
    assert limiter.acquire(1) == 1  # per chat: sustained 1/s
    assert limiter.acquire(2) is None
    assert limiter.acquire(3) == 1  # overall burst of 3 spent
    now[0] += 0.5
    assert limiter.acquire(1) == 1
    now[0] += 0.6
    assert limiter.acquire(1) is None
    limiter.limits = Limits(per_chat_rate=0.1, per_chat_burst=1, overall_burst=100)
    now[0] += 1.0
    assert 8 <= (limiter.acquire(1) or 0) <= 9  # 0.2 tokens left, 0.1 per second


def test_limits_update_validates_fields() -> None:
    limits = Limits().updated({"max_text": 100, "per_chat_rate": 2})
    assert (limits.max_text, limits.per_chat_rate) == (100, 2.0)
    with pytest.raises(ValueError, match="unknown"):
        Limits().updated({"nope": 1})
    with pytest.raises(ValueError, match="boolean"):
        Limits().updated({"enabled": "yes"})


async def test_fault_403_500_and_count(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await sb.client.say(OTHER, "hi")
    await sb.client.faults(kind="403", chat_id=USER)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER, "x")
    await bot.send_message(OTHER, "other chats are fine")
    await sb.client.clear_faults()
    rule = await sb.client.faults(kind="500", methods=["sendMessage"], count=2)
    assert rule["id"] and rule["count"] == 2
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
    await bot.get_me()
    await bot.send_message(USER, "third time lucky")
    await sb.client.faults(kind="429", retry_after=7, count=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.get_me()
    assert caught.value.retry_after.total_seconds() == 7
    await sb.client.faults(kind="502", count=1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    assert [c["status"] for c in await sb.client.calls() if c["status"] != 200] == [403, 500, 500, 429, 502]


async def test_fault_drop_closes_the_connection(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await sb.client.faults(kind="drop", count=1)
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(USER, "lost")
    assert not isinstance(caught.value, BadRequest)
    assert (await sb.client.calls())[-1]["status"] == 0
    assert await sb.client.messages(USER) == []
    await bot.send_message(USER, "next one gets through")


async def test_fault_timeout_delays_the_response(sb: RunningSandbox) -> None:
    await sb.client.say(USER, "hi")
    await sb.client.faults(kind="timeout", delay=0.6, count=1, methods=["sendMessage"])
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(TOKEN, base_url=sb.bot_base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "slow")
        # Like Telegram, the slow call still happened: the message shows up.
        await sb.state.wait_for(lambda: len(sb.state.messages.get(USER, [])) == 1)


def test_fault_rate_is_reproducible() -> None:
    def run() -> list[bool]:
        faults = FaultInjector(seed=7)
        faults.add({"kind": "500", "rate": 0.3})
        return [faults.pick("sendMessage", 1) is not None for _ in range(200)]

    first = run()
    assert first == run()
    assert 30 < sum(first) < 90


async def test_bad_fault_rules_are_rejected(sb: RunningSandbox) -> None:
    rules = ({"kind": "418"}, {"kind": "500", "rate": 2}, {"kind": "500", "count": 0}, {"kind": "5", "x": 1})
    for rule in rules:
        response = await sb.client.http.post("/sandbox/faults", json=rule)
        assert response.status_code == 400, rule


async def test_fault_nth_fails_only_the_nth_matching_call(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await sb.client.clear_calls()
    rule = await sb.client.faults(kind="500", methods=["sendMessage"], nth=2)
    assert (rule["nth"], rule["seen"], rule["count"]) == (2, 0, None)
    await bot.get_me()  # other methods do not count
    await bot.send_message(USER, "first")
    listed = (await sb.client.http.get("/sandbox/faults")).json()["faults"]
    assert [(r["id"], r["nth"], r["seen"]) for r in listed] == [(rule["id"], 2, 1)]
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "second")
    await bot.send_message(USER, "third")
    await bot.send_message(USER, "fourth")
    assert (await sb.client.http.get("/sandbox/faults")).json()["faults"] == []
    sends = [(c["params"]["text"], c["status"]) for c in await sb.client.calls() if c["method"] == "sendMessage"]
    assert sends == [("first", 200), ("second", 500), ("third", 200), ("fourth", 200)]


async def test_fault_nth_with_chat_id_counts_only_that_chat(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await sb.client.say(OTHER, "hi")
    await sb.client.faults(kind="403", chat_id=USER, methods=["sendMessage"], nth=2)
    await bot.send_message(USER, "u1")
    await bot.send_message(OTHER, "o1")
    await bot.send_message(OTHER, "o2")
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "u2")
    await bot.send_message(USER, "u3")
    await bot.send_message(OTHER, "o3")
    assert [m["text"] for m in await sb.client.messages(USER)] == ["u1", "u3"]
    assert [m["text"] for m in await sb.client.messages(OTHER)] == ["o1", "o2", "o3"]


def test_fault_nth_counts_calls_other_rules_failed() -> None:
    faults = FaultInjector()
    counted = faults.add({"kind": "500", "count": 1})
    nth = faults.add({"kind": "403", "nth": 2})
    assert faults.pick("sendMessage", 1) is counted
    assert faults.pick("sendMessage", 1) is nth
    assert faults.pick("sendMessage", 1) is None and faults.rules == []
    first = faults.add({"kind": "500", "nth": 1})
    behind = faults.add({"kind": "403", "count": 1})
    assert faults.pick("getMe", None) is first
    assert (behind.seen, behind.count) == (1, 1)  # it saw the call but did not fire
    assert faults.pick("getMe", None) is behind


async def test_bad_nth_fault_rules_are_rejected(sb: RunningSandbox) -> None:
    rules = ({"kind": "500", "nth": 0}, {"kind": "500", "nth": True}, {"kind": "500", "nth": 1.5},
             {"kind": "500", "nth": "2"}, {"kind": "500", "nth": 2, "count": 1},
             {"kind": "500", "nth": 2, "rate": 0.5}, {"kind": "500", "seen": 3})
    for rule in rules:
        response = await sb.client.http.post("/sandbox/faults", json=rule)
        assert response.status_code == 400, rule
    assert (await sb.client.http.get("/sandbox/faults")).json()["faults"] == []
