"""Sending, editing and deleting messages with the real python-telegram-bot client."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.sandbox.server import RunningSandbox

USER = 1001


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "checkin_sandbox_bot"
    assert me.first_name == "Check-in Bot (sandbox)"


async def test_send_then_read_chat_and_calls_log(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hello")
    sent = await bot.send_message(USER, "Pick one", reply_markup=keyboard("yes", "no"))
    assert sent.message_id == 2 and sent.chat.id == USER and sent.from_user.id == 123456
    shown = await sb.client.messages(USER)
    assert [m["text"] for m in shown] == ["Pick one"]
    assert shown[0]["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "no"
    call = (await sb.client.calls())[-1]
    assert call["method"] == "sendMessage" and call["status"] == 200
    assert call["params"]["chat_id"] == USER
    assert call["params"]["reply_markup"] == {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"},
                                                                   {"text": "No", "callback_data": "no"}]]}


async def test_html_is_parsed_and_validated(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    msg = await bot.send_message(USER, "<b>Bold</b> &amp; <i>it</i>", parse_mode="HTML")
    assert msg.text == "Bold & it"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 4), ("italic", 7, 2)]
    for bad in ("1 < 2", "<b>open", "<marquee>x</marquee>", "<b>x</i>"):
        with pytest.raises(BadRequest, match="(?i)parse entities"):
            await bot.send_message(USER, bad, parse_mode="HTML")
    assert len(await sb.client.messages(USER)) == 1


async def test_text_length_limits(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await bot.send_message(USER, "x" * 4096)
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.send_message(USER, "")


async def test_callback_data_is_limited_to_64_bytes(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    await bot.send_message(USER, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(USER, "bad", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):  # 33 two-byte characters
        await bot.send_message(USER, "bad", reply_markup=keyboard("é" * 33))


async def test_unknown_chat_and_blocked_user(sb: RunningSandbox, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(4242, "anyone?")
    await sb.client.say(USER, "hi")
    await sb.client.block(USER)
    with pytest.raises(Forbidden, match="(?i)blocked by the user"):
        await bot.send_message(USER, "still there?")
    await sb.client.say(USER, "/start")  # writing again restarts the bot
    await bot.send_message(USER, "welcome back")
    await sb.client.block(USER)
    await sb.client.unblock(USER)
    await bot.send_message(USER, "and again")


async def test_edit_and_delete(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    msg = await bot.send_message(USER, "Question?", reply_markup=keyboard("a", "b"))
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("Question?", USER, msg.message_id, reply_markup=keyboard("a", "b"))
    edited = await bot.edit_message_text("Answered: a", USER, msg.message_id)
    assert edited.text == "Answered: a" and edited.reply_markup is None and edited.edit_date
    shown = await sb.client.messages(USER)
    assert shown[0]["text"] == "Answered: a" and "reply_markup" not in shown[0] and "edit_date" in shown[0]
    await bot.edit_message_reply_markup(USER, msg.message_id, reply_markup=keyboard("c"))
    button = (await sb.client.messages(USER))[0]["reply_markup"]["inline_keyboard"][0][0]
    assert button["callback_data"] == "c"
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("nope", USER, 999)
    assert await bot.delete_message(USER, msg.message_id)
    assert await sb.client.messages(USER) == []
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(USER, msg.message_id)


async def test_photo_upload_caption_and_download(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (3).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"rest"
    msg = await bot.send_photo(USER, png, caption="<b>QR</b> code", parse_mode="HTML")
    assert msg.caption == "QR code" and (msg.photo[-1].width, msg.photo[-1].height) == (3, 2)
    shown = (await sb.client.messages(USER))[0]
    assert shown["photo"][0]["file_size"] == len(png)
    call = (await sb.client.calls())[-1]
    assert call["method"] == "sendPhoto" and call["params"]["photo"]["size"] == len(png)
    file = await bot.get_file(msg.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == png
    async with httpx.AsyncClient() as http:
        raw = await http.get(f"{sb.url}/sandbox/files/{msg.photo[-1].file_id}")
    assert raw.content == png
    again = await bot.send_photo(USER, msg.photo[-1].file_id)  # resend by file_id
    assert again.photo[-1].file_id == msg.photo[-1].file_id
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_photo(USER, png, caption="c" * 1025)
    doc = await bot.send_document(USER, b"a,b\n1,2\n", filename="report.csv")
    assert doc.document.file_name == "report.csv"


async def test_commands_per_scope_and_language(bot: Bot) -> None:
    await bot.set_my_commands([("start", "Start"), ("help", "Help")])
    await bot.set_my_commands([("help", "Hilfe")], language_code="de")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="de")] == ["Hilfe"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("Bad Command", "x")])


async def test_get_chat_and_menu_button(sb: RunningSandbox, bot: Bot) -> None:
    await sb.client.say(USER, "hi", first_name="Alex", username="alex")
    chat = await bot.get_chat(USER)
    assert chat.first_name == "Alex" and chat.username == "alex" and chat.type == "private"
    assert await bot.set_chat_menu_button()
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.get_chat(777)
