"""The sections of the configuration as typed, frozen pydantic models (loading is in :mod:`bot.config`)."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, SecretStr, field_validator, model_validator

from bot.config_followup import DAYS, SMTP_PASSWORD_ENV, EmailSettings, EscalationSettings, Section

__all__ = [
    "DAYS", "SHIPPED", "SMTP_PASSWORD_ENV", "TOKEN_ENV", "TOKEN_PATTERN", "EmailSettings", "EscalationSettings",
    "Section",
]

TOKEN_ENV = "CHECKIN_TELEGRAM_TOKEN"
TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
SHIPPED = Path(__file__).resolve().parent.parent


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


TimeZoneName = Annotated[str, AfterValidator(_zone)]




class ServiceSettings(Section):
    """Who runs the service and where its content lives."""

    name: str = "Link Worker Service"
    timezone: TimeZoneName = "Europe/London"
    flows_dir: Path = SHIPPED / "flows"
    messages_dir: Path = SHIPPED / "messages"
    screening_dir: Path = SHIPPED / "screening"


class TelegramSettings(Section):
    """How the bot reaches the Telegram Bot API."""

    token: SecretStr | None = None
    token_file: Path | None = None
    base_url: str = "https://api.telegram.org/bot"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    rate_limit: bool = True

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value() and not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from BotFather (digits:letters)")
        return value

    @model_validator(mode="after")
    def _webhook_complete(self) -> TelegramSettings:
        if self.mode == "webhook" and not (self.webhook_url and self.webhook_secret):
            raise ValueError("mode = 'webhook' needs webhook_url and webhook_secret")
        return self


class DatabaseSettings(Section):
    """Where data is kept: a SQLite file by default, or PostgreSQL by URL."""

    url: str = "sqlite:///checkin.sqlite"

    @field_validator("url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value


class EnrolmentSettings(Section):
    """Invites and consent."""

    invite_ttl_days: int = Field(default=14, ge=1, le=90)
    worker_link_ttl_days: int = Field(default=7, ge=1, le=90)
    consent_version: str = "2026-11"


class CheckinSettings(Section):
    """When check-ins are sent and how long they stay open."""

    default_day: str = "monday"
    default_time: time = time(10, 0)
    time_choices: list[time] = Field(default_factory=lambda: [time(10, 0), time(14, 0), time(18, 0)])
    expire_after_hours: int = Field(default=72, ge=1, le=24 * 14)

    @field_validator("default_day")
    @classmethod
    def _day(cls, value: str) -> str:
        if value.lower() not in DAYS:
            raise ValueError(f"must be one of {', '.join(DAYS)}")
        return value.lower()


class MilestoneSettings(Section):
    """One follow-up check-in after support ends."""

    name: str = Field(pattern=r"^[a-z0-9_]{1,12}$")
    days: int = Field(ge=1, le=3650)
    measures: bool = False


class ProgrammeSettings(Section):
    """When check-ins run: baseline, reminders, quiet hours, the weekly cap and follow-up milestones."""

    baseline: bool = True
    reminder_after_hours: int = Field(default=24, ge=1, le=24 * 7)
    quiet_hours: tuple[time, time] = (time(21, 0), time(8, 0))
    max_prompts_per_week: int = Field(default=3, ge=1, le=21)
    session_guard_hours: int = Field(default=36, ge=0, le=24 * 7)
    soon_after_low_mood_days: int = Field(default=3, ge=0, le=6)
    milestones: list[MilestoneSettings] = Field(default_factory=lambda: [
        MilestoneSettings(name="2w", days=14), MilestoneSettings(name="1m", days=30),
        MilestoneSettings(name="3m", days=91, measures=True), MilestoneSettings(name="6m", days=182, measures=True),
    ])

    @model_validator(mode="after")
    def _ordered(self) -> ProgrammeSettings:
        days = [m.days for m in self.milestones]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError("milestones must be in increasing order of days")
        return self


class SchedulerSettings(Section):
    """How often the periodic jobs run."""

    tick_seconds: float = Field(default=20.0, gt=0, le=3600)
    batch_size: int = Field(default=200, ge=1, le=10_000)


class DeliverySettings(Section):
    """How the outbox drain sends: Telegram's limits, concurrency and retries."""

    messages_per_second: float = Field(default=30.0, gt=0, le=1000)
    burst: float = Field(default=30.0, ge=1, le=1000)
    per_chat_per_second: float = Field(default=1.0, gt=0, le=30)
    per_chat_burst: float = Field(default=3.0, ge=1, le=30)
    paid_broadcast: bool = False
    concurrency: int = Field(default=16, ge=1, le=256)
    batch_size: int = Field(default=100, ge=1, le=5000)
    retry_first_seconds: float = Field(default=1.0, gt=0, le=600)
    retry_max_seconds: float = Field(default=300.0, gt=0, le=86_400)
    unknown_retry_seconds: float = Field(default=5.0, ge=0, le=3600)
    unknown_resends: int = Field(default=3, ge=0, le=10)
    lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    stop_grace_seconds: float = Field(default=20.0, ge=0, le=600)
    send_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    keep_hours: float = Field(default=24.0, ge=1, le=24 * 90)

    @property
    def overall_rate(self) -> float:
        """Messages per second overall: Telegram's 1,000/s for paid broadcasts when enabled."""
        return 1000.0 if self.paid_broadcast else self.messages_per_second


class Settings(Section):
    """The whole configuration."""

    source: str = Field(default="config.toml", exclude=True)
    service: ServiceSettings = ServiceSettings()
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    enrolment: EnrolmentSettings = EnrolmentSettings()
    checkins: CheckinSettings = CheckinSettings()
    programme: ProgrammeSettings = ProgrammeSettings()
    escalation: EscalationSettings = EscalationSettings()
    email: EmailSettings = EmailSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    delivery: DeliverySettings = DeliverySettings()

    def bot_token(self) -> str:
        """The bot token, from the config, the secrets file or the environment (in that order)."""
        if self.telegram.token is not None and self.telegram.token.get_secret_value():
            return self.telegram.token.get_secret_value()
        if self.telegram.token_file is not None:
            return self.telegram.token_file.read_text(encoding="utf-8").strip()
        return os.environ.get(TOKEN_ENV, "").strip()
