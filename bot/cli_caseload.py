"""Caseload sub-commands of ``checkin-bot``: ``discharge`` (end support) and ``session`` (book the next one)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cli_common import perform_configured, settings_from
from bot.clock import SystemClock
from bot.core.when import WhenError, parse_when
from bot.usecases import caseload, sessions
from bot.usecases.appointments import PLACE_LIMIT


def _written_out(at: datetime, zone: str) -> str:
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y at %H:%M} ({zone})"


def cmd_discharge(args: argparse.Namespace) -> int:
    """End a person's support: they move to follow-up check-ins."""
    settings = settings_from(args.config)
    person, ended = asyncio.run(perform_configured(settings, caseload.discharge_by_id, args.person))
    if not ended:
        print(f"support cannot be ended for person {args.person} ({person.display_name}): "
              f"they are {caseload.status_words(person.status)}", file=sys.stderr)
        return 1
    print(f"support ended for person {args.person} ({person.display_name}); "
          "follow-up check-ins at 2 weeks, 1, 3 and 6 months")
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    """Record a person's next session with their worker; they are reminded the day before."""
    settings = settings_from(args.config)
    zone = settings.service.timezone
    try:
        at = parse_when(args.at, SystemClock().now(), zone)
    except WhenError as exc:
        print(f"--at {args.at!r}: {WHEN_PROBLEMS[exc.reason]}", file=sys.stderr)
        return 1
    try:
        booked = asyncio.run(perform_configured(settings, sessions.book_by_id, args.person, at, args.place))
    except sessions.PlaceTooLong:
        print(f"--place: keep it to {PLACE_LIMIT} characters or fewer", file=sys.stderr)
        return 1
    place = booked.appointment.place
    where = f", at {place}" if place else ""
    print(f"session booked for person {args.person} ({booked.person.display_name}): "
          f"{_written_out(booked.appointment.at, zone)}{where}")
    print("reminder: " + (_written_out(booked.reminder_at, zone) if booked.reminder_at else "none (too soon)"))
    return 0


WHEN_PROBLEMS = {
    "unclear": 'not a date and time; use "YYYY-MM-DD HH:MM", e.g. "2026-03-12 14:00"',
    "past": "that time has already passed",
    "far": "that is more than a year away",
}
