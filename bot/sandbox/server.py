"""The emulator's ASGI app and ways to run it: in the current event loop (tests, demo) or as a process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.sandbox import botapi, control
from bot.sandbox.client import SandboxClient
from bot.sandbox.context import SandboxContext
from bot.sandbox.limits import Limits, RateLimiter
from bot.sandbox.state import SandboxState
from bot.sandbox.updates import deliver_webhooks

log = logging.getLogger("bot.sandbox")


def create_app(state: SandboxState | None = None, limits: Limits | None = None) -> Starlette:
    """The emulator as a Starlette app; `app.state.sandbox` is its SandboxContext."""
    ctx = SandboxContext(state or SandboxState(), RateLimiter(limits or Limits()))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ctx.state.closing = False
        async with httpx.AsyncClient() as client:
            task = asyncio.create_task(deliver_webhooks(ctx.state, client), name="sandbox-webhooks")
            try:
                yield
            finally:
                ctx.state.close()
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    routes = [
        Route("/bot{token}/{method}", botapi.bot_method, methods=["GET", "POST"]),
        Route("/file/bot{token}/{path:path}", botapi.download_file, methods=["GET"]),
        *control.ROUTES,
        Route("/bot{rest:path}", botapi.not_found, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = ctx
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this; without it every response waits ~40 ms for a delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without signal handling, stopped promptly by `stop()` instead of a 0.1 s poll."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave signals to whoever owns the event loop."""
        yield

    async def main_loop(self) -> None:
        """Sleep until stopped, ticking once a second to refresh the Date header."""
        while not await self.on_tick(0):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)

    def stop(self) -> None:
        """Ask the server to shut down."""
        self.should_exit = True
        self._wake.set()


class RunningASGI:
    """`async with RunningASGI(app) as srv:` serves any ASGI app on 127.0.0.1 in the current loop."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app, self.host, self.port = app, host, port
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._sock: socket.socket | None = None
        self._started = asyncio.Event()

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, noticing when its lifespan startup has finished."""
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)

        async def watch(message: Message) -> None:
            await send(message)
            if message["type"] in ("lifespan.startup.complete", "lifespan.startup.failed"):
                self._started.set()

        try:
            await self.app(scope, receive, watch)
        finally:
            self._started.set()

    async def __aenter__(self) -> RunningASGI:
        """Start serving; returns once the app has started."""
        self._sock = bind(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(self._app, interface="asgi3", log_level="warning", access_log=False,
                                timeout_graceful_shutdown=2)
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]), name="sandbox-uvicorn")
        started = asyncio.create_task(self._started.wait())
        await asyncio.wait({self._task, started}, return_when=asyncio.FIRST_COMPLETED)
        if not started.done():
            started.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await started
        if self._task.done():
            self._sock.close()
            self._task.result()
            raise RuntimeError("sandbox: the HTTP server stopped while starting")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        """Stop serving and wait until every connection is closed."""
        if self._server is not None and self._task is not None:
            self._server.stop()
            await self._task
        if self._sock is not None:
            self._sock.close()


class RunningSandbox:
    """`async with RunningSandbox() as sb:` runs the emulator in the current event loop on a free port."""

    def __init__(self, state: SandboxState | None = None, limits: Limits | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = create_app(state, limits)
        self.context: SandboxContext = self.app.state.sandbox
        self.state = self.context.state
        self._server = RunningASGI(self.app, host, port)
        self.client: SandboxClient = None  # type: ignore[assignment]

    @property
    def url(self) -> str:
        """Base URL of the emulator."""
        return self._server.url

    @property
    def bot_base_url(self) -> str:
        """What python-telegram-bot's `base_url` takes."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What python-telegram-bot's `base_file_url` takes."""
        return f"{self.url}/file/bot"

    @property
    def limits(self) -> Limits:
        """The limits in force."""
        return self.context.limits

    @limits.setter
    def limits(self, value: Limits) -> None:
        self.context.limits = value

    async def __aenter__(self) -> RunningSandbox:
        """Start the server and a control client."""
        await self._server.__aenter__()
        self.client = SandboxClient(self.url)
        log.info("Telegram Bot API sandbox at %s (bot base_url %s)", self.url, self.bot_base_url)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        """End long polls, close the client and stop the server."""
        self.state.close()
        try:
            await self.client.aclose()
        finally:
            await self._server.__aexit__(exc_type, exc, tb)


class _ProcessServer(uvicorn.Server):
    """uvicorn that also ends long polls and delays at once when asked to exit."""

    def __init__(self, config: uvicorn.Config, state: SandboxState) -> None:
        super().__init__(config)
        self.sandbox_state = state

    def handle_exit(self, sig: int, frame: Any) -> None:
        """Signal handler: stop, and wake whatever waits in the emulator."""
        super().handle_exit(sig, frame)
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().call_soon_threadsafe(self.sandbox_state.close)


def serve(port: int, host: str = "127.0.0.1", limits: Limits | None = None) -> None:
    """Run the emulator until interrupted (`checkin-bot sandbox --port N`)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    state = SandboxState()
    app = create_app(state, limits)
    sock = bind(host, port)
    try:
        bound = sock.getsockname()[1]
        log.info("Telegram Bot API sandbox listening on http://%s:%d (bot base_url http://%s:%d/bot)",
                 host, bound, host, bound)
        config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
        _ProcessServer(config, state).run(sockets=[sock])
    finally:
        sock.close()
