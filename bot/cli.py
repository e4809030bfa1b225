"""The ``checkin-bot`` command line: run, check, db upgrade, worker add, invite, demo, sandbox, screen."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from telegram.error import TelegramError

from bot.cli_caseload import cmd_discharge, cmd_session
from bot.cli_common import EXIT_BAD_CONFIG, bot_username, perform_configured, settings_from
from bot.cli_screen import add_screen_arguments, cmd_screen
from bot.clock import SystemClock
from bot.config import ConfigError, require_token
from bot.core.screening import ScreeningRulesError
from bot.messages import MessagesError
from bot.qr import qr_png
from bot.screening_rules import DEFAULT_RULES, load_rules
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.usecases import enrolment, invites


def cmd_check(args: argparse.Namespace) -> int:
    """Validate config, messages and flows; print every problem; exit 2 if any."""
    from bot.app import load_content
    from bot.flowfiles import FlowError

    problems: list[str] = []
    try:
        settings = settings_from(args.config)
    except ConfigError as exc:
        problems.extend(exc.problems)
        settings = None
    if settings is not None:
        try:
            messages, flows = load_content(settings)
        except (MessagesError, FlowError) as exc:
            problems.extend(exc.problems)
        else:
            for locale, keys in messages.missing().items():
                if keys:
                    print(f"note: locale '{locale}' falls back to English for {len(keys)} message(s): "
                          + ", ".join(keys))
            print(f"ok: {len(flows)} flows ({', '.join(sorted(flows))}), "
                  f"{len(messages.keys())} messages in {', '.join(messages.locales)}")
    try:
        load_rules(settings.service.screening_dir if settings is not None else DEFAULT_RULES)
    except ScreeningRulesError as exc:
        problems.extend(exc.problems)
    else:
        print("ok: screening rules (every rule's examples match as stated)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_BAD_CONFIG
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply database migrations."""
    settings = settings_from(args.config)

    async def go() -> None:
        db = Database.from_url(settings.database.url)
        await upgrade(db)
        await db.dispose()

    asyncio.run(go())
    print("database is up to date")
    return 0


def cmd_worker_add(args: argparse.Namespace) -> int:
    """Add a worker and print their id and one-time Telegram link."""
    settings = settings_from(args.config)

    async def go() -> tuple[int, str]:
        username = await bot_username(settings)
        db = Database.from_url(settings.database.url)
        await upgrade(db)
        worker, token = await enrolment.add_worker(db, args.name, args.email, args.supervisor,
                                                   SystemClock().now(), settings.enrolment.worker_link_ttl_days)
        await db.dispose()
        return worker.id, enrolment.deep_link(username, token)

    worker_id, link = asyncio.run(go())
    print(f"worker id: {worker_id}")
    print(f"one-time link (valid {settings.enrolment.worker_link_ttl_days} days): {link}")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    """Create an invite for a person; print the deep link and write a QR code PNG."""
    settings = settings_from(args.config)

    async def go() -> tuple[int, str]:
        username = await bot_username(settings)
        invited = await perform_configured(settings, invites.create, args.worker, args.name)
        return invited.person.id, enrolment.deep_link(username, invited.token)

    person_id, link = asyncio.run(go())
    print(f"person id: {person_id}")
    print(f"invite link (single use, valid {settings.enrolment.invite_ttl_days} days): {link}")
    qr_path = Path(args.qr or f"invite-{person_id}.png")
    qr_path.write_bytes(qr_png(link))
    print(f"QR code to show them: {qr_path}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run the service."""
    from bot.app import serve

    settings = settings_from(args.config)
    require_token(settings)
    asyncio.run(serve(settings))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run a whole simulated programme offline and print what happened."""
    from bot.demo import run_demo

    logging.getLogger().setLevel(logging.WARNING)
    return asyncio.run(run_demo(weeks=args.weeks, people=args.people, progress=not args.quiet))


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Serve the Telegram Bot API emulator alone."""
    from bot.sandbox.limits import Limits
    from bot.sandbox.server import serve

    serve(args.port, args.host, Limits.unlimited() if args.no_limits else None)
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    root = argparse.ArgumentParser(prog="checkin-bot", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)

    def command(name: str, func: object, help_text: str, config: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(func=func)
        if config:
            p.add_argument("--config", help="path to config.toml (default: built-in defaults)")
        return p

    command("run", cmd_run, "run the service")
    command("check", cmd_check, "validate config, flows and messages")
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("--config")
    up.set_defaults(func=cmd_db_upgrade)
    worker = sub.add_parser("worker", help="manage workers").add_subparsers(dest="worker_command", required=True)
    add = worker.add_parser("add", help="add a link worker or supervisor")
    add.add_argument("--name", required=True)
    add.add_argument("--email")
    add.add_argument("--supervisor", action="store_true")
    add.add_argument("--config")
    add.set_defaults(func=cmd_worker_add)
    inv = command("invite", cmd_invite, "create an invite link and QR code for a person")
    inv.add_argument("--worker", type=int, required=True, help="the worker's id")
    inv.add_argument("--name", required=True, help="the person's name, as the worker knows them")
    inv.add_argument("--qr", help="where to write the QR code PNG (default: invite-<person id>.png)")
    dis = command("discharge", cmd_discharge, "end a person's support (follow-up check-ins follow)")
    dis.add_argument("--person", type=int, required=True, help="the person's id")
    ses = command("session", cmd_session, "record a person's next session with their worker")
    ses.add_argument("--person", type=int, required=True, help="the person's id")
    ses.add_argument("--at", required=True, help='local time in the service time zone, e.g. "2026-03-12 14:00"')
    ses.add_argument("--place", help="where the session is, e.g. the library")
    demo = command("demo", cmd_demo, "run a simulated programme offline", config=False)
    demo.add_argument("--weeks", type=int, default=12, help="weeks of support before follow-up")
    demo.add_argument("--people", type=int, default=5)
    demo.add_argument("--quiet", action="store_true")
    box = command("sandbox", cmd_sandbox, "serve the Telegram Bot API emulator", config=False)
    box.add_argument("--port", type=int, default=8081)
    box.add_argument("--host", default="127.0.0.1")
    box.add_argument("--no-limits", action="store_true", help="do not enforce rate limits")
    add_screen_arguments(command("screen", cmd_screen, "screen text for risk and distress", config=False))
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``checkin-bot`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "apscheduler", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_CONFIG
    except TelegramError as exc:
        print(f"could not reach the Telegram Bot API: {exc.message}", file=sys.stderr)
        return 1
    except LookupError as exc:
        print(str(exc).strip("'\""), file=sys.stderr)
        return 1
