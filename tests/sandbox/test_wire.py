"""The Bot API wire format seen with a plain HTTP client: tokens, methods, encodings, errors."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.sandbox.formatting import ParseError, command_entities, parse_html, parse_markdown
from bot.sandbox.server import RunningSandbox
from bot.sandbox.wire import coerce
from tests.sandbox.conftest import TOKEN

USER = 5005


@pytest.fixture
async def http(sb: RunningSandbox) -> httpx.AsyncClient:
    """The control client's HTTP connection, reused for raw Bot API calls."""
    return sb.client.http


async def test_bad_token_is_401_and_unknown_method_404(sb: RunningSandbox, http: httpx.AsyncClient) -> None:
    r = await http.post(f"{sb.bot_base_url}not-a-token/getMe")
    assert r.status_code == 401
    assert r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    r = await http.post(f"{sb.bot_base_url}{TOKEN}/sendTelepathy")
    assert r.status_code == 404 and r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    r = await http.get(f"{sb.url}/bot/getMe")
    assert r.status_code == 404
    calls = await sb.client.calls()
    assert [(c["method"], c["status"]) for c in calls] == [("getMe", 401), ("sendTelepathy", 404)]


async def test_method_names_are_case_insensitive(sb: RunningSandbox, http: httpx.AsyncClient) -> None:
    r = await http.get(f"{sb.bot_base_url}{TOKEN}/GETME")
    assert r.json()["result"]["username"] == "checkin_sandbox_bot"
    assert (await sb.client.calls())[-1]["method"] == "getMe"


async def test_json_form_and_query_bodies(sb: RunningSandbox, http: httpx.AsyncClient) -> None:
    await sb.client.say(USER, "hi")
    base = f"{sb.bot_base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    r = await http.post(f"{base}/sendMessage", json={"chat_id": USER, "text": "json", "reply_markup": markup})
    assert r.json()["result"]["reply_markup"] == markup
    r = await http.post(f"{base}/sendMessage", data={"chat_id": str(USER), "text": "[form]",
                                                     "reply_markup": json.dumps(markup),
                                                     "disable_notification": "true"})
    assert r.json()["result"]["text"] == "[form]"
    r = await http.get(f"{base}/sendMessage", params={"chat_id": USER, "text": "query"})
    assert r.json()["ok"] is True
    params = [c["params"] for c in await sb.client.calls()]
    assert params[1] == {"chat_id": USER, "text": "[form]", "reply_markup": markup,
                         "disable_notification": True}
    assert params[2] == {"chat_id": USER, "text": "query"}
    r = await http.post(f"{base}/sendMessage", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400


async def test_bad_reply_markup(sb: RunningSandbox, http: httpx.AsyncClient) -> None:
    await sb.client.say(USER, "hi")
    base = f"{sb.bot_base_url}{TOKEN}/sendMessage"
    for markup, error in [
        ({"inline_keyboard": [[{"text": "no action"}]]}, "Text buttons are unallowed"),
        ({"inline_keyboard": [{"text": "x", "callback_data": "x"}]}, "Array of Arrays"),
        ({"inline_keyboard": [[{"text": "x", "callback_data": ""}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "x", "callback_data": "x", "url": "https://e.x"}]]}, "exactly one"),
    ]:
        r = await http.post(base, json={"chat_id": USER, "text": "t", "reply_markup": markup})
        assert r.status_code == 400 and error in r.json()["description"], markup


async def test_control_side_endpoints(sb: RunningSandbox, http: httpx.AsyncClient) -> None:
    assert (await http.get("/sandbox/health")).json() == {"ok": True}
    limits = (await http.get("/sandbox/limits")).json()
    assert limits["max_text"] == 4096 and limits["max_callback_data"] == 64
    assert (await http.post("/sandbox/limits", json={"max_text": -1})).status_code == 400
    await sb.client.say(USER, "hi")
    await http.post(f"{sb.bot_base_url}{TOKEN}/sendMessage", json={"chat_id": USER, "text": "x"})
    await sb.client.clear_calls()
    assert await sb.client.calls() == []
    await sb.client.reset()
    assert await sb.client.messages(USER) == []
    r = await http.post(f"{sb.bot_base_url}{TOKEN}/sendMessage", json={"chat_id": USER, "text": "x"})
    assert r.json()["description"] == "Bad Request: chat not found"
    assert (await sb.client.say(USER, "ids keep increasing"))["update_id"] == 2
    group = {"id": -100123, "type": "supergroup", "title": "Team"}
    update = await sb.client.say(USER, "in the group", chat=group)
    assert update["message"]["chat"]["id"] == -100123
    r = await http.post(f"{sb.bot_base_url}{TOKEN}/sendMessage", json={"chat_id": -100123, "text": "hi all"})
    assert r.json()["ok"] is True
    assert [m["text"] for m in await sb.client.messages(-100123)] == ["hi all"]


def test_html_parsing() -> None:
    text, entities = parse_html('<a href="https://x.y/?a=1&amp;b=2">link</a> <pre><code class="language-py">'
                                'x &lt; 1</code></pre> <tg-spoiler>s</tg-spoiler> 👍<u>u</u>')
    assert text == "link x < 1 s 👍u"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 4, "url": "https://x.y/?a=1&b=2"},
        {"type": "pre", "offset": 5, "length": 5, "language": "py"},
        {"type": "spoiler", "offset": 11, "length": 1},
        {"type": "underline", "offset": 15, "length": 1},  # the emoji counts 2 UTF-16 units
    ]
    for bad in ["<b>", "</b>", "a < b", "<span>x</span>", "<b><i>x</b></i>", "<script>"]:
        with pytest.raises(ParseError):
            parse_html(bad)


def test_markdown_parsing() -> None:
    assert parse_markdown(r"*bold* _it_ \. [l](https://x)") == ("bold it . l", [
        {"type": "bold", "offset": 0, "length": 4}, {"type": "italic", "offset": 5, "length": 2},
        {"type": "text_link", "offset": 10, "length": 1, "url": "https://x"}])
    with pytest.raises(ParseError, match="reserved"):
        parse_markdown("Done.")
    with pytest.raises(ParseError, match="end of Bold"):
        parse_markdown("*open")
    assert parse_markdown("Done.", v2=False)[0] == "Done."


def test_coercion_and_commands() -> None:
    assert coerce("chat_id", "-100") == -100 and coerce("chat_id", "@chan") == "@chan"
    assert coerce("text", "true") == "true" and coerce("text", "[x]") == "[x]"
    assert coerce("disable_notification", "false") is False
    assert coerce("allowed_updates", '["message"]') == ["message"]
    entity = {"type": "bot_command", "offset": 0, "length": 26}
    assert command_entities("/start@checkin_sandbox_bot x") == [entity]
    assert command_entities("hello /start") == []
