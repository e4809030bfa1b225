"""Golden transcripts: every case in ``flows/<id>.test.json`` replayed through the engine, in English.

Each case: ``{"description": …, "context": {…}, "inputs": [{"choose": value} | {"text": "…"} |
{"skip": true}, …], "outputs": [[…after start…], […after input 1…], …]}``. Outputs are the rendered effects:
questions with their button labels, messages, recorded results, scores, escalations (with
``only_if_history`` for a rule the use case raises only when the person's history agrees), completion.

Run with ``pytest --update-golden`` (or ``UPDATE_GOLDEN=1``) to rewrite the outputs from the current
flows and messages (then read the diff).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.core.flows import engine
from bot.core.flows.model import Flow
from bot.flowfiles import load_flows, render_options, render_text
from bot.messages import Messages

ROOT = Path(__file__).resolve().parents[3]
FLOWS = ROOT / "flows"


def render_effect(messages: Messages, effect: engine.Effect, context: Mapping[str, str]) -> dict[str, Any]:
    """One effect as it reads in a transcript (English)."""
    if isinstance(effect, engine.Ask):
        out: dict[str, Any] = {
            "ask": render_text(messages, "en", effect.text_key, context, validated=effect.validated),
            "options": render_options(messages, "en", effect.options, context, validated=effect.validated),
        }
        if effect.free_text:
            out["free_text"] = True
        if effect.validated:
            out["validated"] = True
        return out
    if isinstance(effect, engine.Say):
        return {"say": render_text(messages, "en", effect.text_key, context)}
    if isinstance(effect, engine.Nudge):
        return {"nudge": render_text(messages, "en", effect.text_key, context)}
    if isinstance(effect, engine.Record):
        out = {"record": effect.result, "value": effect.value}
        if effect.raw_text is not None:
            out["typed"] = effect.raw_text
        return out
    if isinstance(effect, engine.Scored):
        return {"score": effect.name, "instrument": effect.instrument, "total": effect.total,
                "items": effect.items}
    if isinstance(effect, engine.Escalate):
        out = {"escalate": effect.kind, "rule": effect.rule, "evidence": effect.evidence}
        if effect.trend is not None:  # raised only if the person's history agrees (checked by the use case)
            out["only_if_history"] = {k: v for k, v in vars(effect.trend).items() if v is not None}
        return out
    if isinstance(effect, engine.Completed):
        return {"completed": effect.results}
    if isinstance(effect, engine.Ignored):
        return {"ignored": effect.reason, "step": effect.step_id}
    raise AssertionError(f"unexpected effect {effect!r}")


def replay(flow: Flow, messages: Messages, case: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    context: dict[str, str] = case.get("context", {})
    state, effects = engine.start(flow, context)
    turns = [[render_effect(messages, e, context) for e in effects]]
    for given in case["inputs"]:
        step_id = given.get("step", state.step_id or "")
        event: engine.Event
        if "choose" in given:
            event = engine.Choose(step_id, given["choose"])
        elif "text" in given:
            event = engine.Typed(step_id, given["text"])
        elif given.get("skip") is True:
            event = engine.Skip(step_id)
        else:
            raise AssertionError(f"bad input {given!r}")
        state, effects = engine.handle(flow, state, event, context)
        # The state must survive a round trip through JSON at every turn (it is stored between turns).
        state = engine.FlowState.from_dict(json.loads(json.dumps(state.to_dict())))
        turns.append([render_effect(messages, e, context) for e in effects])
    return turns


@pytest.fixture(scope="module")
def messages() -> Messages:
    return Messages.load(ROOT / "messages")


@pytest.fixture(scope="module")
def flows(messages: Messages) -> dict[str, Flow]:
    return load_flows(FLOWS, messages)


GOLDEN_FILES = sorted(FLOWS.glob("*.test.json"))


def test_every_shipped_flow_has_golden_transcripts(flows: dict[str, Flow]) -> None:
    assert sorted(p.name.removesuffix(".test.json") for p in GOLDEN_FILES) == sorted(flows)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.name)
def test_golden(path: Path, flows: dict[str, Flow], messages: Messages, update_golden: bool) -> None:
    flow = flows[path.name.removesuffix(".test.json")]
    cases = json.loads(path.read_text(encoding="utf-8"))
    assert cases, f"{path.name} has no cases"
    failures = []
    for index, case in enumerate(cases):
        got = replay(flow, messages, case)
        if update_golden:
            case["outputs"] = got
        elif got != case.get("outputs"):
            failures.append(f"case {index} ({case.get('description', '')}):\n"
                            f"expected {json.dumps(case.get('outputs'), ensure_ascii=False, indent=1)}\n"
                            f"got      {json.dumps(got, ensure_ascii=False, indent=1)}")
    if update_golden:
        path.write_text(json.dumps(cases, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert not failures, "\n\n".join(failures) + "\n(pytest --update-golden rewrites the files)"
