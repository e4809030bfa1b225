"""`serve()` as a process: one startup line with the URL, no message text in logs, quick exit on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys

import httpx

SECRET_TEXT = "my very private words"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_serve_runs_until_sigterm() -> None:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", f"from bot.sandbox.server import serve; serve({port})",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    try:
        first = (await asyncio.wait_for(proc.stderr.readline(), 20)).decode()
        assert f"http://127.0.0.1:{port}" in first
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/sandbox/health")).json() == {"ok": True}
            await http.post("/sandbox/users/1/messages", json={"text": SECRET_TEXT})
            poll = asyncio.create_task(http.get("/bot1:A/getUpdates", params={"offset": 2, "timeout": 30}))
            await asyncio.wait_for(_until_polling(http), 5)
            proc.send_signal(signal.SIGTERM)
            assert (await asyncio.wait_for(poll, 5)).json() == {"ok": True, "result": []}
        assert await asyncio.wait_for(proc.wait(), 10) == 0 or proc.returncode == -signal.SIGTERM
        rest = (await proc.stderr.read()).decode()
        assert SECRET_TEXT not in first + rest
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _until_polling(http: httpx.AsyncClient) -> None:
    """Wait until the long poll is registered (each check is a request, no sleeping)."""
    while not any(c["method"] == "getUpdates" for c in (await http.get("/sandbox/calls")).json()["calls"]):
        pass
