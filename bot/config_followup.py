"""Config sections for following people up: escalations, working hours, digests and email."""

from __future__ import annotations

import os
import re
from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

SMTP_PASSWORD_ENV = "CHECKIN_SMTP_PASSWORD"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Section(BaseModel):
    """Base for config sections: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EscalationSettings(Section):
    """Who hears of what and when: disengagement (0: rule off), urgent alerts and their forwarding, working
    hours, the duty contact and digests."""

    missed_in_a_row: int = Field(default=3, strict=True)
    no_reply_days: int = Field(default=21, strict=True)
    ack_minutes: int = Field(default=30, ge=1, le=24 * 60)
    """An urgent alert not acknowledged within this goes on to the supervisor or duty contact."""
    duty_worker_id: int | None = Field(default=None, ge=1)
    """The worker (by id, from ``worker add``) on duty for urgent alerts out of hours and from strangers."""
    duty_email: str | None = None
    """An address that also gets every urgent alert that goes to the duty contact."""
    working_days: list[str] = Field(default_factory=lambda: list(DAYS[:5]))
    working_hours: tuple[time, time] = (time(9, 0), time(17, 0))
    digest_time: time = time(9, 0)
    """When digests go out on working days, unless a worker chose another time."""

    @field_validator("working_days")
    @classmethod
    def _working_days(cls, value: list[str]) -> list[str]:
        days = [day.lower() for day in value]
        unknown = [day for day in days if day not in DAYS]
        if unknown:
            raise ValueError(f"unknown day {unknown[0]!r}: use {', '.join(DAYS)}")
        if not days:
            raise ValueError("needs at least one day")
        return days

    @field_validator("duty_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError(f"{value!r} is not an email address")
        return value

    @model_validator(mode="after")
    def _hours(self) -> EscalationSettings:
        start, end = self.working_hours
        if start >= end:
            raise ValueError("working_hours: the start must be before the end")
        return self

    @field_validator("missed_in_a_row")
    @classmethod
    def _missed(cls, value: int) -> int:
        if not 0 <= value <= 52:
            raise ValueError(f"{value} is out of range: a number of check-ins from 1 to 52, or 0 to turn the rule off")
        return value

    @field_validator("no_reply_days")
    @classmethod
    def _days(cls, value: int) -> int:
        if not 0 <= value <= 365:
            raise ValueError(f"{value} is out of range: a number of days from 1 to 365, or 0 to turn the rule off")
        return value


class EmailSettings(Section):
    """Sending email (digests and urgent alerts) over SMTP; off while ``host`` is empty."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    """Or the environment variable ``CHECKIN_SMTP_PASSWORD``."""
    from_addr: str = "checkin-bot@localhost"
    security: Literal["starttls", "tls", "none"] = "starttls"
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    retry_max_minutes: float = Field(default=60.0, gt=0, le=24 * 60)

    @property
    def enabled(self) -> bool:
        """Whether email is configured at all."""
        return bool(self.host)

    def smtp_password(self) -> str | None:
        """The password from the config, else the environment."""
        if self.password is not None and self.password.get_secret_value():
            return self.password.get_secret_value()
        return os.environ.get(SMTP_PASSWORD_ENV) or None

    @field_validator("from_addr")
    @classmethod
    def _from(cls, value: str) -> str:
        if not EMAIL.match(value) and not value.endswith("@localhost"):
            raise ValueError(f"{value!r} is not an email address")
        return value
