"""The command line as a deployer uses it: `checkin-bot sandbox`, `worker add`, `invite`, `db upgrade`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TOKEN = "4242:CLI-TEST-TOKEN"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKIN_TELEGRAM_TOKEN": TOKEN}
    return subprocess.run([sys.executable, "-m", "bot", *args, "--config", str(config)], capture_output=True,
                          text=True, env=env, timeout=120, cwd=config.parent)


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(transport=httpx.HTTPTransport(retries=50)) as client:
            assert client.get(f"{url}/sandbox/health", timeout=30).json() == {"ok": True}
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_worker_add_and_invite_print_links_and_write_a_qr_code(sandbox_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[telegram]\nbase_url = '{sandbox_url}/bot'\n[database]\nurl = 'sqlite:///{tmp_path}/c.db'\n")
    assert _run("db", "upgrade", config=config).returncode == 0
    added = _run("worker", "add", "--name", "Sam Jones", "--supervisor", config=config)
    assert added.returncode == 0, added.stderr
    assert re.search(r"worker id: 1\b", added.stdout)
    assert re.search(r"https://t\.me/checkin_sandbox_bot\?start=[A-Za-z0-9_-]{32}", added.stdout)
    invited = _run("invite", "--worker", "1", "--name", "Alex", config=config)
    assert invited.returncode == 0, invited.stderr
    assert "start=" in invited.stdout
    assert (tmp_path / "invite-1.png").read_bytes().startswith(b"\x89PNG")
    assert TOKEN not in added.stdout + added.stderr + invited.stdout + invited.stderr


def test_invite_for_an_unknown_worker_fails_clearly(sandbox_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[telegram]\nbase_url = '{sandbox_url}/bot'\n[database]\nurl = 'sqlite:///{tmp_path}/c.db'\n")
    result = _run("invite", "--worker", "99", "--name", "Alex", config=config)
    assert result.returncode == 1 and "no active worker with id 99" in result.stderr


def test_run_without_a_token_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[service]\nname = 'x'\n")
    env = {k: v for k, v in os.environ.items() if k != "CHECKIN_TELEGRAM_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert f"{config}: telegram.token: missing" in result.stderr
