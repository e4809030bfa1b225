"""A change notifier: waiting for the emulator's state to change without polling."""

from __future__ import annotations

import asyncio


class Changed:
    """A notifier: `notify()` (sync) wakes every coroutine waiting in `wait()`."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()
        self.version = 0

    def notify(self) -> None:
        """Wake all waiters."""
        self.version += 1
        waiters, self._waiters = self._waiters, set()
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait for the next notification; False when `timeout` seconds passed first."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.discard(fut)
