"""The follow-up stage of the jobs, every tick: forward urgent alerts nobody acknowledged, send the digests that
are due, then send due emails. Each step claims what it works on, so two instances or a rerun after a restart
never repeat anything; a digest is its own transaction (one worker's failure is logged and the rest go on)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.delivery.mailer import Mailer
from bot.services import Services
from bot.store.db import UNAVAILABLE
from bot.usecases import alerts, digests
from bot.usecases.work import perform

log = logging.getLogger("bot.jobs")


@dataclass
class FollowedUp:
    """What one pass did: alerts forwarded, digests sent (with at least one item), emails the server took."""

    forwarded: int = 0
    digests: int = 0
    emails: int = 0


class FollowUp:
    """Forwarding, digests and the mailer for one service."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.mailer = Mailer(services.db, services.clock, services.settings.email)

    async def run(self, batch: int, stopping: Callable[[], bool]) -> FollowedUp:
        """One pass; returns early (between rows) once ``stopping()``."""
        done = FollowedUp()
        done.forwarded = await perform(self.services, alerts.forward_due, batch)
        for worker_id in await perform(self.services, digests.due):
            if stopping():
                return done
            try:
                if await perform(self.services, digests.send, worker_id):
                    done.digests += 1
            except UNAVAILABLE:
                raise  # the database is down: this pass ends, the next one retries (the day was not claimed)
            except Exception:  # one worker's digest must not stop everyone else's; logged with traceback
                log.exception("digest for worker %s failed; retried next pass", worker_id)
        while not stopping():
            sent = await self.mailer.run(batch)
            done.emails += sent
            if sent < batch:
                break
        return done
