"""Telegram text formatting: parse_mode HTML / MarkdownV2 / Markdown into plain text and entities."""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_ATTR_RE = re.compile(r"\s*([a-zA-Z_-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")


class ParseError(ValueError):
    """The text could not be parsed; str() is Telegram's explanation after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def _unescape(text: str) -> str:
    """Replace the HTML entities Telegram supports."""
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return NAMED_ENTITIES.get(name, m.group(0))
    return _ENTITY_RE.sub(repl, text)


class _Builder:
    """Accumulates plain text and entities while a parser walks the source."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        """Append plain text."""
        self.parts.append(text)
        self.pos += utf16_len(text)

    def close(self, kind: str, start: int, **extra: Any) -> None:
        """Record an entity that started at `start` and ends here."""
        if self.pos > start:
            self.entities.append({"type": kind, "offset": start, "length": self.pos - start, **extra})

    def result(self) -> tuple[str, list[Entity]]:
        """The text and entities, ordered as Telegram returns them."""
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


def _attrs(raw: str) -> dict[str, str]:
    """Attributes of an HTML start tag."""
    out: dict[str, str] = {}
    for m in _ATTR_RE.finditer(raw):
        value = m.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1]
        out[m.group(1).lower()] = _unescape(value)
    return out


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram's HTML subset; ParseError on unsupported, unmatched or unclosed tags."""
    out = _Builder()
    stack: list[tuple[str, int, dict[str, Any]]] = []
    i = 0
    while i < len(source):
        lt = source.find("<", i)
        if lt < 0:
            out.add(_unescape(source[i:]))
            break
        out.add(_unescape(source[i:lt]))
        at = len(source[:lt].encode())
        gt = source.find(">", lt)
        if gt < 0:
            raise ParseError(f"Unclosed start tag at byte offset {at}")
        body = source[lt + 1:gt]
        i = gt + 1
        if body.startswith("/"):
            name = body[1:].strip().lower()
            if not stack:
                raise ParseError(f"Unexpected end tag at byte offset {at}")
            open_name, start, extra = stack.pop()
            if name != open_name:
                raise ParseError(f'Unmatched end tag at byte offset {at}, expected "</{open_name}>", '
                                 f'found "</{name}>"')
            _close_html(out, open_name, start, extra, stack)
            continue
        m = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", body)
        name = m.group(0).lower() if m else ""
        if name not in HTML_TAGS:
            raise ParseError(f'Unsupported start tag "{name or body[:16]}" at byte offset {at}')
        attrs = _attrs(body[len(name):])
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        stack.append((name, out.pos, attrs))
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html(out: _Builder, name: str, start: int, attrs: dict[str, Any],
                stack: list[tuple[str, int, dict[str, Any]]]) -> None:
    """Emit the entity for a closed HTML tag."""
    kind = HTML_TAGS[name]
    if name == "a":
        href = attrs.get("href")
        if href:
            user = re.match(r"tg://user\?id=(\d+)$", href)
            if user:
                out.close("text_mention", start, user={"id": int(user.group(1)), "is_bot": False,
                                                        "first_name": ""})
            else:
                out.close("text_link", start, url=href)
    elif name == "code" and stack and stack[-1][0] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1][2]["language"] = lang[len("language-"):]
        else:
            out.close("code", start)
    elif name == "pre":
        extra = {"language": attrs["language"]} if attrs.get("language") else {}
        out.close("pre", start, **extra)
    elif name == "blockquote":
        out.close("expandable_blockquote" if "expandable" in attrs else "blockquote", start)
    elif name == "tg-emoji":
        out.close("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id", ""))
    else:
        out.close(kind, start)


_MDV2_MARKS = [("```", "pre"), ("||", "spoiler"), ("__", "underline"), ("*", "bold"), ("_", "italic"),
               ("~", "strikethrough"), ("`", "code")]


def parse_markdown(source: str, v2: bool = True) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2 (or legacy Markdown when `v2` is False); ParseError on Telegram's complaints."""
    marks = _MDV2_MARKS if v2 else [("```", "pre"), ("*", "bold"), ("_", "italic"), ("`", "code")]
    out = _Builder()
    stack: list[tuple[str, str, int, int]] = []  # (mark, kind, start, byte offset)
    link: tuple[int, int] | None = None
    i = 0
    while i < len(source):
        ch = source[i]
        at = len(source[:i].encode())
        if ch == "\\" and i + 1 < len(source) and (v2 or source[i + 1] in "_*`["):
            out.add(source[i + 1])
            i += 2
            continue
        mark = next((m for m in marks if source.startswith(m[0], i)), None)
        if mark and mark[1] in ("pre", "code"):
            end = source.find(mark[0], i + len(mark[0]))
            if end < 0:
                raise ParseError(f"Can't find end of {_title(mark[1])} entity at byte offset {at}")
            body = source[i + len(mark[0]):end]
            extra: dict[str, Any] = {}
            if mark[1] == "pre" and "\n" in body and re.match(r"[\w+-]+\n", body):
                lang, body = body.split("\n", 1)
                extra["language"] = lang
            start = out.pos
            out.add(re.sub(r"\\(.)", r"\1", body) if v2 else body)
            out.close(mark[1], start, **extra)
            i = end + len(mark[0])
            continue
        if mark:
            found = next((k for k, s in enumerate(stack) if s[0] == mark[0]), None)
            if found is None:
                stack.append((mark[0], mark[1], out.pos, at))
            else:
                _, kind, start, _ = stack.pop(found)
                out.close(kind, start)
            i += len(mark[0])
            continue
        if ch == "[" and link is None:
            link = (out.pos, at)
            i += 1
            continue
        if ch == "]" and link is not None:
            close = source.find(")", i)
            if not source.startswith("(", i + 1) or close < 0:
                raise ParseError(f"Can't find end of a url at byte offset {at}")
            url = source[i + 2:close].replace("\\)", ")").replace("\\\\", "\\")
            out.close("text_link", link[0], url=url)
            link = None
            i = close + 1
            continue
        if v2 and ch in MDV2_RESERVED and not (ch == ">" and (i == 0 or source[i - 1] == "\n")):
            raise ParseError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        out.add(ch)
        i += 1
    if stack:
        _, kind, _, at = stack[-1]
        raise ParseError(f"Can't find end of {_title(kind)} entity at byte offset {at}" if v2
                         else f"Can't find end of the entity starting at byte offset {at}")
    if link is not None:
        raise ParseError(f"Can't find end of a url at byte offset {link[1]}")
    return out.result()


def _title(kind: str) -> str:
    """Telegram's capitalised entity name in error messages."""
    return {"pre": "PreCode", "code": "Code", "strikethrough": "Strikethrough"}.get(kind, kind.title())


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[Entity]]:
    """Plain text and entities for a message; leading/trailing whitespace trimmed as Telegram does."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, ents = parse_html(text)
    elif mode in ("markdownv2", "markdown"):
        plain, ents = parse_markdown(text, v2=mode == "markdownv2")
    elif mode:
        raise ParseError(f'Unsupported parse_mode "{parse_mode}"')
    else:
        plain = text
        ents = [e for e in entities if isinstance(e, dict)] if isinstance(entities, list) else []
    stripped = plain.strip()
    if stripped != plain:
        lead = utf16_len(plain) - utf16_len(plain.lstrip())
        size = utf16_len(stripped)
        moved = []
        for e in ents:
            off = min(max(e.get("offset", 0) - lead, 0), size)
            end = min(max(e.get("offset", 0) + e.get("length", 0) - lead, 0), size)
            if end > off:
                moved.append({**e, "offset": off, "length": end - off})
        plain, ents = stripped, moved
    return plain, ents


def command_entities(text: str) -> list[Entity]:
    """The bot_command entity Telegram adds to a message starting with "/"."""
    m = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]+)?", text)
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}] if m else []
