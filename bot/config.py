"""Typed settings read from a TOML file, with secrets from the environment or a secrets file.

Every problem is reported with the file and the key it concerns, e.g.
``config.toml: telegram.token: missing (set it here or in CHECKIN_TELEGRAM_TOKEN)``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config_sections import (
    DAYS,
    SHIPPED,
    SMTP_PASSWORD_ENV,
    TOKEN_ENV,
    TOKEN_PATTERN,
    CheckinSettings,
    DatabaseSettings,
    DeliverySettings,
    EmailSettings,
    EnrolmentSettings,
    EscalationSettings,
    MilestoneSettings,
    ProgrammeSettings,
    SchedulerSettings,
    Section,
    ServiceSettings,
    Settings,
    TelegramSettings,
    TimeZoneName,
)

__all__ = [
    "DAYS", "SHIPPED", "SMTP_PASSWORD_ENV", "TOKEN_ENV", "TOKEN_PATTERN", "CheckinSettings", "ConfigError",
    "DatabaseSettings", "DeliverySettings", "EmailSettings", "EnrolmentSettings",
    "EscalationSettings", "MilestoneSettings", "ProgrammeSettings",
    "SchedulerSettings", "Section", "ServiceSettings", "Settings", "TelegramSettings", "TimeZoneName",
    "load_settings", "parse_settings", "require_token",
]


class ConfigError(Exception):
    """A configuration that cannot be used; ``problems`` each name the file and the key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _located(base: Path, value: Path) -> Path:
    return value if value.is_absolute() else base / value


def _format(source: str, error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against config.example.toml)"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(f"{source}: {key}: {message}")
    return problems


def parse_settings(data: dict[str, Any], source: str = "config.toml", base: Path | None = None) -> Settings:
    """Validate a parsed TOML mapping; relative content paths resolve against ``base``."""
    try:
        settings = Settings.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError(_format(source, exc)) from None
    if base is not None and settings.telegram.token_file is not None:
        telegram = settings.telegram.model_copy(
            update={"token_file": _located(base, settings.telegram.token_file)})
        settings = settings.model_copy(update={"telegram": telegram})
    problems: list[str] = []
    token = ""
    try:
        token = settings.bot_token()
    except OSError as exc:
        problems.append(f"{source}: telegram.token_file: cannot be read ({exc.strerror})")
    if not problems and token and not TOKEN_PATTERN.match(token):
        problems.append(f"{source}: telegram.token: does not look like a bot token from BotFather")
    if base is not None:
        service = settings.service.model_copy(
            update={
                "flows_dir": _located(base, settings.service.flows_dir),
                "messages_dir": _located(base, settings.service.messages_dir),
                "screening_dir": _located(base, settings.service.screening_dir),
            }
        )
        settings = settings.model_copy(update={"service": service})
    if problems:
        raise ConfigError(problems)
    return settings


def load_settings(path: Path) -> Settings:
    """Read and validate ``path``; raise ConfigError naming the file and every bad key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read ({exc.strerror})"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    return parse_settings(data, source=str(path), base=path.resolve().parent)


def require_token(settings: Settings) -> str:
    """The bot token, or a ConfigError that says where to put it."""
    token = settings.bot_token()
    if not token:
        raise ConfigError(
            [f"{settings.source}: telegram.token: missing (set it in the file, in telegram.token_file, "
             f"or in the environment variable {TOKEN_ENV})"]
        )
    return token
