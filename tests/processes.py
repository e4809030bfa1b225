"""Real processes for crash tests: ``checkin-bot sandbox`` and ``checkin-bot run`` as subprocesses.

    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), sandbox.port)
        asyncio.run(populate(config, people=500))
        bot = BotProcess(config)
        bot.start(); ...; bot.kill(); bot.start(); ...; bot.terminate()

Waiting on another process means asking it; ``until`` polls the sandbox's control side with a deadline
(it never asserts how long anything took).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.config import load_settings
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import CheckIn, Person, Worker

TOKEN = "123456:TEST-PROCESS-TOKEN"
FIRST_USER = 200_000


def free_port() -> int:
    """A TCP port nobody is listening on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Ask ``condition`` every 50 ms until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Sandbox:
    """``checkin-bot sandbox --no-limits`` on a free port, with a client for its control side."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def __enter__(self) -> Sandbox:
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(self.port),
                                         "--no-limits"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        until(self._healthy, 20, "the sandbox to start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def _healthy(self) -> bool:
        try:
            return self.http.get("/sandbox/health").status_code == 200
        except httpx.TransportError:
            return False

    def add_users(self, user_ids: range) -> None:
        """People who have a private chat with the bot."""
        for user_id in user_ids:
            self.http.post(f"/sandbox/users/{user_id}", json={"first_name": f"P{user_id}"}).raise_for_status()

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Every Bot API call the bot made (of ``method``), in order."""
        calls: list[dict[str, Any]] = self.http.get("/sandbox/calls").json()["calls"]
        return [c for c in calls if method is None or c["method"] == method]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot shows in a chat now."""
        messages: list[dict[str, Any]] = self.http.get(f"/sandbox/chats/{chat_id}/messages").json()["messages"]
        return messages

    def faults(self, **rule: Any) -> None:
        """Add a fault rule (see the sandbox's POST /sandbox/faults)."""
        self.http.post("/sandbox/faults", json=rule).raise_for_status()

    def press(self, user_id: int, message_id: int, data: str) -> None:
        """A button press by ``user_id``."""
        self.http.post(f"/sandbox/users/{user_id}/press", json={"message_id": message_id, "data": data}
                       ).raise_for_status()


def write_config(folder: Path, sandbox_port: int, **delivery: Any) -> Path:
    """A config for ``checkin-bot run`` against the sandbox, on a SQLite file in ``folder``."""
    values = {"lease_seconds": 3, "unknown_retry_seconds": 0.2, "retry_first_seconds": 0.2,
              "retry_max_seconds": 2, "stop_grace_seconds": 20, "send_timeout_seconds": 5, **delivery}
    lines = "\n".join(f"{key} = {value}" for key, value in values.items())
    path = folder / "config.toml"
    path.write_text(f"""
[service]
name = "Riverside Link Service"
[telegram]
token = "{TOKEN}"
base_url = "http://127.0.0.1:{sandbox_port}/bot"
rate_limit = false
[database]
url = "sqlite:///{folder / 'bot.sqlite'}"
[scheduler]
tick_seconds = 1
[programme]
baseline = false
[delivery]
{lines}
""", encoding="utf-8")
    return path


async def populate(config: Path, people: int, first_user: int = FIRST_USER) -> None:
    """``people`` active people, each with a weekly check-in due now (in the database ``config`` names)."""
    settings = load_settings(config)
    db = Database.from_url(settings.database.url)
    await upgrade(db)
    now = datetime.now(UTC) - timedelta(minutes=1)
    async with db.session() as session:
        worker = Worker(name="Crash Worker", is_supervisor=False, created_at=now)
        session.add(worker)
        await session.flush()
        for i in range(people):
            person = Person(worker_id=worker.id, display_name=f"Person {i}", telegram_user_id=first_user + i,
                            chat_id=first_user + i, status="active", created_at=now, joined_at=now)
            session.add(person)
            await session.flush()
            session.add(CheckIn(person_id=person.id, flow_id="weekly", status="scheduled", due_at=now))
    await db.dispose()


class BotProcess:
    """``checkin-bot run --config FILE`` that a test can start, kill and stop."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.process: subprocess.Popen[bytes] | None = None
        self.log = config.parent / "bot.log"

    def _started(self) -> int:
        return self.log.read_text(errors="replace").count("checkin-bot is running") if self.log.exists() else 0

    def start(self) -> None:
        """Start the service (its log goes to ``bot.log`` beside the config); returns once it is running."""
        before = self._started()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(self.config)],
                                            stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
        until(lambda: self._started() > before or not self.alive(), 60, "the bot to start")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-whatever."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def terminate(self) -> int:
        """SIGTERM: a normal stop; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        """Never leave a bot running after its test, whatever happened."""
        if self.alive():
            self.kill()

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process is not None and self.process.poll() is None
