"""Updates to the bot: users' messages and taps, raw updates, getUpdates offsets and long polling."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.error import BadRequest, Conflict

from bot.sandbox.server import RunningSandbox

USER = 2002


async def test_user_message_arrives_with_bot_command_entity(sb: RunningSandbox, bot: Bot) -> None:
    sent = await sb.client.say(USER, "/start abc", first_name="Alex", language_code="en")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [sent["update_id"]]
    msg = updates[0].message
    assert msg.text == "/start abc" and msg.chat.type == "private" and msg.chat.id == USER
    assert msg.from_user.first_name == "Alex" and msg.from_user.language_code == "en"
    assert msg.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
    assert msg.parse_entities(["bot_command"]) == {msg.entities[0]: "/start"}
    assert sent["update_id"] in sb.state.delivered_update_ids


async def test_offset_confirms_updates(sb: RunningSandbox, bot: Bot) -> None:
    ids = [(await sb.client.say(USER, f"m{i}"))["update_id"] for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates()] == ids  # nothing confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=ids[1] + 1)] == ids[2:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert sb.state.pending == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(sb: RunningSandbox, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await sb.state.wait_for(lambda: sb.state.poll_seq == 1)
    assert not poll.done()
    await sb.client.say(USER, "wake up")
    updates = await poll
    assert [u.message.text for u in updates] == ["wake up"]
    assert loop.time() - started < 5


async def test_long_poll_times_out_empty(sb: RunningSandbox, bot: Bot) -> None:
    assert await bot.get_updates(timeout=1) == ()


async def test_concurrent_get_updates_terminates_the_first(sb: RunningSandbox, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=20))
    await sb.state.wait_for(lambda: sb.state.poll_seq == 1)
    async with Bot(bot.token, base_url=sb.bot_base_url) as second_instance:
        assert await second_instance.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
    call = next(c for c in await sb.client.calls() if c["status"] == 409)
    assert call["method"] == "getUpdates"


async def test_press_delivers_callback_query(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await bot.get_updates()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    msg = await bot.send_message(USER, "Agree?", reply_markup=markup)
    pressed = await sb.client.press(USER, msg.message_id, "yes")
    assert pressed["button_present"] is True
    stale = await sb.client.press(USER, msg.message_id, "gone")
    assert stale["button_present"] is False
    updates = await bot.get_updates(offset=pressed["update"]["update_id"])
    query = updates[0].callback_query
    assert query.data == "yes" and query.from_user.id == USER and query.message.message_id == msg.message_id
    assert query.chat_instance and query.chat_instance == updates[1].callback_query.chat_instance
    assert query.message.reply_markup == markup
    assert await query.answer("Thanks", show_alert=True)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("made-up")
    answers = await sb.client.callback_answers()
    got = [(a["callback_query_id"], a["text"], a["show_alert"]) for a in answers]
    assert got == [(query.id, "Thanks", True)]


async def test_press_on_unknown_message_is_404(sb: RunningSandbox) -> None:
    response = await sb.client.http.post(f"/sandbox/users/{USER}/press", json={"message_id": 5, "data": "x"})
    assert response.status_code == 404


async def test_raw_updates_keep_their_ids_and_later_ids_continue(sb: RunningSandbox, bot: Bot) -> None:
    odd = {"update_id": 500, "message": {"message_id": 1, "date": 0,
                                         "chat": {"id": USER, "type": "private"}, "text": "raw"}}
    assert (await sb.client.post_update(odd))["update_id"] == 500
    weird = await sb.client.post_update({"edited_channel_post": {"weird": True}})
    assert weird["update_id"] == 501
    assert (await sb.client.say(USER, "after"))["update_id"] == 502
    raw = (await sb.client.http.post(f"{sb.bot_base_url}{bot.token}/getUpdates")).json()
    assert [u["update_id"] for u in raw["result"]] == [500, 501, 502]
    assert raw["result"][1] == weird  # delivered as given
    await bot.send_message(USER, "the raw update made this chat known")
    response = await sb.client.http.post("/sandbox/updates", json=[1, 2])
    assert response.status_code == 400


async def test_allowed_updates_filter(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "text")
    await sb.client.post_update({"message_reaction": {
        "chat": {"id": USER, "type": "private"}, "message_id": 1, "date": 0,
        "user": {"id": USER, "is_bot": False, "first_name": "A"},
        "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}})
    assert [u.message.text for u in await bot.get_updates()] == ["text"]  # reactions are opt-in
    updates = await bot.get_updates(allowed_updates=["message_reaction"])
    assert [u.message_reaction is not None for u in updates] == [True]


async def test_webhook_blocks_get_updates(sb: RunningSandbox, bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_wait_for_times_out_clearly(sb: RunningSandbox) -> None:
    with pytest.raises(TimeoutError, match="still false"):
        await sb.state.wait_for(lambda: False, timeout=0.05)


TOO_OLD = {"ok": False, "error_code": 400,
           "description": "Bad Request: query is too old and response timeout expired or query ID is invalid"}


async def test_callback_query_ttl_zero_makes_every_answer_too_old(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    msg = await bot.send_message(USER, "Agree?", reply_markup=markup)
    assert (await sb.client.set_limits())["callback_query_ttl"] == 900  # Limits.unlimited() keeps it
    qid = (await sb.client.press(USER, msg.message_id, "yes"))["update"]["callback_query"]["id"]
    assert (await sb.client.set_limits(callback_query_ttl=0))["callback_query_ttl"] == 0
    answer = f"{sb.bot_base_url}{bot.token}/answerCallbackQuery"
    response = await sb.client.http.post(answer, json={"callback_query_id": qid})
    assert (response.status_code, response.json()) == (400, TOO_OLD)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(qid, text="late")
    response = await sb.client.http.post(answer, json={"callback_query_id": "never-issued"})
    assert (response.status_code, response.json()) == (400, TOO_OLD)
    assert await sb.client.callback_answers() == []
    await sb.client.set_limits(callback_query_ttl=900)
    fresh = (await sb.client.press(USER, msg.message_id, "yes"))["update"]["callback_query"]["id"]
    assert await bot.answer_callback_query(fresh)
    response = await sb.client.http.post("/sandbox/limits", json={"callback_query_ttl": -1})
    assert response.status_code == 400


async def test_callback_query_ages_on_the_limiter_clock(sb: RunningSandbox, bot: Bot) -> None:
    now = [1000.0]
    sb.context.limiter.clock = lambda: now[0]  # the injectable clock the rate limiter uses too
    await sb.client.set_limits(callback_query_ttl=60)
    await sb.client.say(USER, "hi")
    msg = await bot.send_message(USER, "Agree?")
    first = (await sb.client.press(USER, msg.message_id, "a"))["update"]["callback_query"]["id"]
    second = (await sb.client.press(USER, msg.message_id, "b"))["update"]["callback_query"]["id"]
    now[0] += 59.5
    assert await bot.answer_callback_query(first)
    now[0] += 0.5
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(second)
    assert [a["callback_query_id"] for a in await sb.client.callback_answers()] == [first]


async def test_raw_callback_query_update_is_answerable_until_too_old(sb: RunningSandbox, bot: Bot) -> None:
    def raw(qid: str) -> dict[str, object]:
        return {"callback_query": {"id": qid, "chat_instance": "42", "data": "x",
                                   "from": {"id": USER, "is_bot": False, "first_name": "A"}}}

    await sb.client.post_update(raw("raw-1"))
    assert await bot.answer_callback_query("raw-1", text="ok")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("raw-1")  # answered already
    await sb.client.set_limits(callback_query_ttl=0)
    await sb.client.post_update(raw("raw-2"))
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("raw-2")
    assert [a["callback_query_id"] for a in await sb.client.callback_answers()] == ["raw-1"]


async def test_unencodable_updates_are_refused_and_never_queued(sb: RunningSandbox, bot: Bot) -> None:
    json_headers = {"content-type": "application/json"}
    # Raw bytes: the JSON escape \ud800 decodes to a lone surrogate, which UTF-8 cannot carry.
    lone = (b'{"update_id": 5, "message": {"message_id": 1, "date": 0, '
            b'"chat": {"id": 2002, "type": "private"}, "text": "\\ud800"}}')
    response = await sb.client.http.post("/sandbox/updates", content=lone, headers=json_headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "UTF-8" in error and "message.text" in error and "surrogate" in error
    bodies = (b'{"text": "bad \\udfff"}', b'{"text": "hi", "first_name": "\\ud83d"}', b'{"text": NaN}')
    for body in bodies:
        response = await sb.client.http.post(f"/sandbox/users/{USER}/messages", content=body,
                                             headers=json_headers)
        assert response.status_code == 400, body
    nan = b'{"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "x": Infinity}}'
    response = await sb.client.http.post("/sandbox/updates", content=nan, headers=json_headers)
    assert response.status_code == 400
    assert sb.state.pending == [] and USER not in sb.state.users and sb.state.user_messages == {}
    sent = await sb.client.say(USER, "still fine \U0001f44d")
    updates = await bot.get_updates()
    assert [(u.update_id, u.message.text) for u in updates] == [(sent["update_id"], "still fine \U0001f44d")]
