"""The flow engine: (flow, state, event, context) -> (new state, effects). Pure: no I/O, no clock.

How a run goes:

- :func:`start` walks from the flow's ``start`` step: message steps (``say``) emit :class:`Say` and flow on;
  the first question emits :class:`Ask` and waits. Steps whose ``only_if`` does not hold are passed over
  (their branches and ``next`` still apply, so a flow can route around them).
- :func:`handle` takes one event for the waiting question: :class:`Choose` (a tapped option),
  :class:`Typed` (typed text) or :class:`Skip` (always allowed). The answer is recorded (:class:`Record`,
  value None when skipped), result escalation rules are checked at once (:class:`Escalate`; a rule with a
  ``trend`` emits it with the trend, and the use case raises it only if the person's history agrees), a score whose
  items are now all recorded is computed (:class:`Scored`, then its rules), and the flow moves on: the first
  branch whose condition holds, else ``next``; a step with neither ends the flow (:class:`Completed`).
- Typed text: if the step's ``check`` parses it (to one of the step's options, when it has options), it
  counts as choosing that value; else if the step has no check but the text is an option's value
  ("3" on a 1–5 scale, "yes"), likewise; else if the step allows ``free_text`` it is stored as text;
  otherwise a :class:`Nudge` is emitted, followed by the same :class:`Ask` again (the state does not change).
- An event for another step than the waiting one (a stale or repeated button press), any event after the
  flow is done, or a :class:`Choose` whose value is not an option of the step, returns the state unchanged
  with a single :class:`Ignored` effect saying why, so the edge can answer "this check-in has closed" or
  simply do nothing.
- Scores are never imputed: a score is emitted once per run, as soon as every item has been recorded; an
  item that was skipped (or a score whose items were only partly asked, emitted at completion) gives
  ``total`` None with the answered items kept. A score none of whose items was asked is not emitted.
- A state whose step no longer exists (the flow file changed while a check-in was open) is finished
  gracefully rather than raising: partial scores and :class:`Completed` are emitted.

Texts are message keys; the edge renders them with the same ``context`` (and in English when ``validated``).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.flows.checks import CHECKS
from bot.core.flows.effects import (
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
)
from bot.core.flows.instruments import INSTRUMENTS
from bot.core.flows.model import Condition, Flow, Score, Step, Value

__all__ = [
    "Ask", "Choose", "Completed", "Effect", "Escalate", "Event", "FlowState", "Ignored", "Nudge", "Record",
    "Say", "Scored", "Skip", "Typed", "current_ask", "handle", "start",
]

# ------------------------------------------------------------------------------------------------ engine


def start(flow: Flow, context: Mapping[str, str]) -> tuple[FlowState, list[Effect]]:
    """Begin a run of ``flow``: messages up to the first question, or straight to Completed."""
    effects: list[Effect] = []
    state = _walk(flow, flow.start, {}, context, effects)
    return state, effects


def handle(
    flow: Flow, state: FlowState, event: Event, context: Mapping[str, str]
) -> tuple[FlowState, list[Effect]]:
    """Apply one event to a run of ``flow``; see the module docstring for the rules."""
    if state.flow_id != flow.id:
        raise ValueError(f"state of flow {state.flow_id!r} given with flow {flow.id!r}")
    if state.done or state.step_id is None:
        return state, [Ignored(step_id=event.step_id, reason="done")]
    if event.step_id != state.step_id:
        return state, [Ignored(step_id=event.step_id, reason="stale")]
    step = flow.steps.get(state.step_id)
    if step is None or step.say:
        effects: list[Effect] = []
        return _finish(flow, dict(state.results), effects), effects

    value: Value | None
    raw_text: str | None = None
    free_text = False
    if isinstance(event, Skip):
        value = None
    elif isinstance(event, Choose):
        if event.value not in step.option_values() or isinstance(event.value, bool):
            return state, [Ignored(step_id=event.step_id, reason="not an option")]
        value = _option_value(step, event.value)
    else:
        raw_text = event.text
        parsed = _parse_typed(step, event.text)
        if parsed is not None:
            value = parsed
        elif step.free_text and event.text.strip():
            value, free_text = event.text.strip(), True
        else:
            return state, [
                Nudge(step_id=step.id, text_key=step.nudge or ""),
                _ask(step),
            ]

    effects = []
    results = dict(state.results)
    assert step.result is not None  # every question stores a result (validated at load)
    results[step.result] = value
    effects.append(Record(result=step.result, value=value, raw_text=raw_text, free_text=free_text))
    for rule in flow.escalations:
        if rule.when.subject == "result" and rule.when.name == step.result and rule.when.holds(value):
            effects.append(Escalate(kind=rule.kind, rule=rule.explain(), evidence={
                "flow": flow.id, "step": step.id, "result": step.result, "value": value,
            }, trend=rule.trend, when=rule.when))
    for score in flow.scores:
        if step.result in score.items and all(item in results for item in score.items):
            _emit_score(flow, score, results, effects)
    target = _leave(step, results, context)
    return _walk(flow, target, results, context, effects), effects


def _option_value(step: Step, value: Value) -> Value:
    for option in step.options:
        if option.value == value and isinstance(option.value, int) == isinstance(value, int):
            return option.value
    return value


def _parse_typed(step: Step, text: str) -> Value | None:
    values = step.option_values()
    if step.check is not None:
        parsed = CHECKS[step.check](text)
        if parsed is not None and (not values or parsed in values):
            return _option_value(step, parsed)
        return None
    cleaned = "_".join(text.strip().lower().split())
    for option in step.options:
        if str(option.value).lower() == cleaned:
            return option.value
    return None


def _ask(step: Step) -> Ask:
    return Ask(step_id=step.id, text_key=step.text, options=step.options, free_text=step.free_text,
               validated=step.validated)


def _value_of(
    condition: Condition, results: Mapping[str, Value | None], context: Mapping[str, str]
) -> Value | None:
    if condition.subject == "result":
        return results.get(condition.name)
    if condition.subject == "context":
        return context.get(condition.name)
    return None  # scores are only tested by escalation rules


def _leave(step: Step, results: Mapping[str, Value | None], context: Mapping[str, str]) -> str | None:
    for branch in step.branches:
        if branch.when.holds(_value_of(branch.when, results, context)):
            return branch.next
    return step.next


def _walk(
    flow: Flow, target: str | None, results: dict[str, Value | None], context: Mapping[str, str],
    effects: list[Effect],
) -> FlowState:
    # The loader rejects cycles, so this ends; the bound guards a flow built by hand.
    for _ in range(len(flow.steps) + 1):
        if target is None:
            break
        step = flow.steps.get(target)
        if step is None:
            break
        if step.only_if is not None and not step.only_if.holds(_value_of(step.only_if, results, context)):
            target = _leave(step, results, context)
            continue
        if step.say:
            effects.append(Say(text_key=step.text))
            target = _leave(step, results, context)
            continue
        effects.append(_ask(step))
        return FlowState(flow_id=flow.id, step_id=step.id, results=results, done=False)
    return _finish(flow, results, effects)


def _finish(flow: Flow, results: dict[str, Value | None], effects: list[Effect]) -> FlowState:
    for score in flow.scores:
        asked = [item for item in score.items if item in results]
        if asked and len(asked) < len(score.items):
            _emit_score(flow, score, results, effects)
    effects.append(Completed(results=dict(results)))
    return FlowState(flow_id=flow.id, step_id=None, results=results, done=True)


def _emit_score(flow: Flow, score: Score, results: Mapping[str, Value | None], effects: list[Effect]) -> None:
    instrument = INSTRUMENTS[score.instrument]
    items = {item: results.get(item) for item in score.items}
    total = instrument.total([items[item] for item in score.items])
    effects.append(Scored(name=score.name, instrument=score.instrument, total=total, items=items))
    for rule in flow.escalations:
        if rule.when.subject == "score" and rule.when.name == score.name and rule.when.holds(total):
            effects.append(Escalate(kind=rule.kind, rule=rule.explain(), evidence={
                "flow": flow.id, "score": score.name, "instrument": score.instrument, "total": total,
                "items": items,
            }, trend=rule.trend, when=rule.when))


def current_ask(flow: Flow, state: FlowState) -> Ask | None:
    """The question the person is on (to ask again in a reminder), or None once the flow is finished."""
    if state.done or state.step_id is None or state.step_id not in flow.steps:
        return None
    step = flow.steps[state.step_id]
    return None if step.say else _ask(step)
