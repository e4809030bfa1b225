"""What every emulator handler works with: the state, the rate limiter and the fault rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.sandbox.faults import FaultInjector
from bot.sandbox.limits import Limits, RateLimiter
from bot.sandbox.state import SandboxState


@dataclass
class SandboxContext:
    """The emulator's moving parts, shared by the bot side and the control side."""

    state: SandboxState
    limiter: RateLimiter
    faults: FaultInjector = field(default_factory=FaultInjector)

    @property
    def limits(self) -> Limits:
        """The current limits."""
        return self.limiter.limits

    @limits.setter
    def limits(self, value: Limits) -> None:
        self.limiter.limits = value

    def reset(self) -> None:
        """Clear the world, the fault rules and the rate buckets (the limits themselves stay)."""
        self.state.reset()
        self.faults.clear()
        self.limiter.reset()
