"""Check-in flows as data: the model, validation of parsed TOML, answer checks, instruments and the engine.

Files are read by :mod:`bot.flowfiles`; everything here is pure.
"""

from bot.core.flows.checks import CHECKS, parse_number
from bot.core.flows.engine import (
    Ask,
    Choose,
    Completed,
    Effect,
    Escalate,
    Event,
    FlowState,
    Ignored,
    Nudge,
    Record,
    Say,
    Scored,
    Skip,
    Typed,
    handle,
    start,
)
from bot.core.flows.instruments import INSTRUMENTS, Instrument
from bot.core.flows.model import (
    ESCALATION_KINDS,
    Branch,
    Condition,
    EscalationRule,
    Flow,
    Option,
    Score,
    Step,
    Trend,
    Value,
)
from bot.core.flows.validate import FlowError, build_answer_sets, build_flow

__all__ = [
    "CHECKS", "ESCALATION_KINDS", "INSTRUMENTS", "Ask", "Branch", "Choose", "Completed", "Condition",
    "Effect", "Escalate", "EscalationRule", "Event", "Flow", "FlowError", "FlowState", "Ignored",
    "Instrument", "Nudge", "Option", "Record", "Say", "Score", "Scored", "Skip", "Step", "Trend", "Typed", "Value",
    "build_answer_sets", "build_flow", "handle", "parse_number", "start",
]
