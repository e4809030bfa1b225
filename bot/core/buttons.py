"""The one codec for button data: ``<kind>:<field>:…``, always within Telegram's 64 bytes.

| kind | data                                   | button                                   |
| ---- | -------------------------------------- | ---------------------------------------- |
| ob   | ``ob:<step>:<value>``                  | a joining answer (consent, language, …)  |
| ci   | ``ci:<check-in>:<step index>:<choice>``| a check-in answer (option index or ``s``)|
| ct   | ``ct:<control>:<nonce>:<value>``       | the person's own controls (/time, …)     |
| dc   | ``dc:<person>:<y|n>``                  | a worker confirming a discharge          |
| ap   | ``ap:<appointment>:<y|n>``             | "I can make it" on a session reminder    |
| es   | ``es:<escalation>:<action>``           | a worker acting on an alert or digest item|
| rl   | ``rl:<person>:<o|c>``                  | a worker opening or closing "Message them"|
"""

from __future__ import annotations

ONBOARDING = "ob"
CHECKIN = "ci"
CONTROL = "ct"
DISCHARGE = "dc"
SESSION = "ap"
ITEM = "es"
RELAY = "rl"
FIELDS = {ONBOARDING: 2, CHECKIN: 3, CONTROL: 3, DISCHARGE: 2, SESSION: 2, ITEM: 2, RELAY: 2}
MAX_BYTES = 64


class ButtonError(ValueError):
    """Button data that would break Telegram's limit."""


def encode(kind: str, *fields: object) -> str:
    """Button data for ``kind`` carrying ``fields`` (the last field may itself hold colons)."""
    if FIELDS.get(kind) != len(fields):
        raise ButtonError(f"{kind!r} buttons carry {FIELDS.get(kind)} fields, not {len(fields)}")
    data = ":".join([kind, *(str(field) for field in fields)])
    if len(data.encode()) > MAX_BYTES:
        raise ButtonError(f"button data is {len(data.encode())} bytes; Telegram allows {MAX_BYTES}")
    return data


def decode(data: str | None, kind: str) -> list[str] | None:
    """The fields of ``kind`` button data, or None when the data is not a well-formed ``kind`` button."""
    count = FIELDS[kind]
    if not data or len(data.encode()) > MAX_BYTES or not data.startswith(f"{kind}:"):
        return None
    fields = data.split(":", count)[1:]
    return fields if len(fields) == count and all(fields) else None


ID_DIGITS = 12


def yes_no(data: str | None, kind: str) -> tuple[int, bool] | None:
    """``(id, True for y)`` from ``<kind>:<id>:<y|n>`` data (discharge, session reply), or None if malformed."""
    fields = decode(data, kind)
    if fields is None or not fields[0].isdigit() or len(fields[0]) > ID_DIGITS or fields[1] not in ("y", "n"):
        return None
    return int(fields[0]), fields[1] == "y"


def pattern(kind: str) -> str:
    """A regular expression matching ``kind`` button data (for registering its handler)."""
    return rf"^{kind}:"


def checkin(checkin_id: int, step_index: int, choice: str) -> str:
    """A check-in answer: ``choice`` is an option index or ``s`` for Skip."""
    return encode(CHECKIN, checkin_id, step_index, choice)


def onboarding(step: str, value: str) -> str:
    """A joining answer, e.g. ``ob:day:0``."""
    return encode(ONBOARDING, step, value)


def control(name: str, nonce: str, value: str) -> str:
    """A control's button, e.g. ``ct:pause:1a2b3c4d:2w``."""
    return encode(CONTROL, name, nonce, value)


def discharge(person_id: int, choice: str) -> str:
    """The discharge confirmation: ``y`` or ``n``."""
    return encode(DISCHARGE, person_id, choice)


def session_reply(appointment_id: int, choice: str) -> str:
    """A session reminder's answer: ``y`` (I can make it) or ``n`` (I need to change it)."""
    return encode(SESSION, appointment_id, choice)


def item(escalation_id: int, action: str) -> str:
    """A worker's action on an escalation (an urgent alert or a digest item), e.g. ``es:12:ack``."""
    return encode(ITEM, escalation_id, action)


def item_action(data: str | None) -> tuple[int, str] | None:
    """``(escalation id, action)`` from ``es:`` data, or None if malformed."""
    fields = decode(data, ITEM)
    if fields is None or not fields[0].isdigit() or len(fields[0]) > ID_DIGITS:
        return None
    return int(fields[0]), fields[1]


def relay(person_id: int, choice: str) -> str:
    """"Message them": ``o`` opens a conversation with the person through the bot, ``c`` closes it."""
    return encode(RELAY, person_id, choice)
