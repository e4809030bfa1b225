"""Time is injected: the service reads a Clock, tests and the demo drive a simulated one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that says what time it is, as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current time in UTC."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


class SimClock:
    """A clock that moves only when told to, so weeks pass in milliseconds."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The simulated time in UTC."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta`` and return the new time."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, when: datetime) -> None:
        """Jump forward to ``when``."""
        self.advance(when.astimezone(UTC) - self._now)
