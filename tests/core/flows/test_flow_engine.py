"""The engine, on small flows built from dicts: branches, skip, typed text, stale events, scores, state."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.core.flows import (
    Ask,
    Choose,
    Completed,
    Escalate,
    Flow,
    FlowState,
    Ignored,
    Nudge,
    Option,
    Record,
    Say,
    Scored,
    Skip,
    Typed,
    build_answer_sets,
    build_flow,
    handle,
    start,
)

ANSWERS = {
    "mood5": {"options": [{"label": f"a.m{i}", "value": i} for i in range(1, 6)]},
    "ucla3": {"options": [{"label": f"a.u{i}", "value": i} for i in range(1, 4)]},
    "yes_no": {"options": [{"label": "a.yes", "value": "yes"}, {"label": "a.no", "value": "no"}]},
    "scale_0_10": {"options": [{"label": f"a.s{i}", "value": i} for i in range(11)]},
}
KEYS = {"f.name", "f.q", "f.low", "f.goal", "f.thanks", "f.text",
        "answers.nudge.buttons", "answers.nudge.typed",
        *(o["label"] for s in ANSWERS.values() for o in s["options"])}


def make(data: dict[str, Any]) -> Flow:
    sets, problems = build_answer_sets(ANSWERS, "answers", KEYS)
    assert problems == []
    flow, problems = build_flow({"id": "f", "name": "f.name", **data}, "flows/f.toml", KEYS, sets)
    assert problems == []
    assert flow is not None
    return flow


MOOD = make({
    "start": "mood",
    "steps": [
        {"id": "mood", "text": "f.q", "options": "mood5", "check": "scale_1_5", "result": "mood",
         "next": "goal",
         "branches": [{"when": {"result": "mood", "at_most": 2}, "next": "low"}]},
        {"id": "low", "text": "f.low", "options": "yes_no", "result": "contact", "next": "goal"},
        {"id": "goal", "text": "f.goal", "options": "yes_no", "result": "goal", "only_if": "goal",
         "next": "thanks"},
        {"id": "thanks", "say": "f.thanks"},
    ],
    "escalations": [
        {"kind": "low_score", "result": "mood", "at_most": 1},
        {"kind": "asked_contact", "result": "contact", "equals": "yes"},
    ],
})


def run(flow: Flow, events: list[Any], context: dict[str, str] | None = None) -> tuple[FlowState, list[Any]]:
    ctx = context or {}
    state, effects = start(flow, ctx)
    for make_event in events:
        assert state.step_id is not None
        state, more = handle(flow, state, make_event(state.step_id), ctx)
        effects += more
    return state, effects


def test_start_asks_the_first_question_with_its_options_in_order() -> None:
    state, effects = start(MOOD, {})
    assert state == FlowState(flow_id="f", step_id="mood", results={}, done=False)
    assert effects == [Ask(step_id="mood", text_key="f.q",
                           options=tuple(Option(f"a.m{i}", i) for i in range(1, 6)),
                           free_text=False, validated=False)]


def test_high_mood_goes_straight_on_and_only_if_passes_over_the_goal() -> None:
    state, effects = run(MOOD, [lambda s: Choose(s, 4)])
    assert effects[1:] == [Record("mood", 4, None), Say("f.thanks"), Completed({"mood": 4})]
    assert state.done and state.step_id is None


def test_only_if_asks_when_the_context_has_a_value() -> None:
    _, effects = run(MOOD, [lambda s: Choose(s, 4)], {"goal": "walk"})
    assert effects[-1] == Ask("goal", "f.goal", MOOD.steps["goal"].options, False, False)
    _, blank = run(MOOD, [lambda s: Choose(s, 4)], {"goal": "   "})
    assert blank[-1] == Completed({"mood": 4})


def test_low_mood_branches_and_the_bottom_escalates() -> None:
    _, effects = run(MOOD, [lambda s: Choose(s, 2)])
    assert [type(e) for e in effects] == [Ask, Record, Ask]
    assert effects[-1].step_id == "low"
    _, effects = run(MOOD, [lambda s: Choose(s, 1), lambda s: Choose(s, "yes")])
    escalations = [e for e in effects if isinstance(e, Escalate)]
    assert [e.kind for e in escalations] == ["low_score", "asked_contact"]
    assert escalations[0].rule == "flows/f.toml escalations[0]: low_score when result 'mood' is at most 1"
    assert escalations[0].evidence == {"flow": "f", "step": "mood", "result": "mood", "value": 1}


def test_skip_records_none_takes_next_and_raises_nothing() -> None:
    state, effects = run(MOOD, [lambda s: Skip(s)])
    assert effects[1:] == [Record("mood", None, None), Say("f.thanks"), Completed({"mood": None})]
    assert state.results == {"mood": None}


def test_typed_text_parsed_by_the_check_counts_as_choosing() -> None:
    _, effects = run(MOOD, [lambda s: Typed(s, "two")])
    assert effects[1] == Record("mood", 2, "two")
    assert effects[2].step_id == "low"


def test_typed_option_value_counts_without_a_check() -> None:
    _, effects = run(MOOD, [lambda s: Choose(s, 2), lambda s: Typed(s, " YES ")])
    assert Record("contact", "yes", " YES ") in effects


def test_unparsed_text_where_buttons_are_expected_nudges_and_asks_again() -> None:
    state, effects = start(MOOD, {})
    after, more = handle(MOOD, state, Typed("mood", "not great to be honest"), {})
    assert after == state
    assert more == [Nudge("mood", "answers.nudge.buttons"), effects[0]]
    # A number the check parses but that is not an option is nudged too.
    _, more = handle(MOOD, state, Typed("mood", "9"), {})
    assert isinstance(more[0], Nudge)


def test_stale_repeated_and_unknown_events_are_ignored() -> None:
    state, _ = start(MOOD, {})
    assert handle(MOOD, state, Choose("low", "yes"), {}) == (state, [Ignored("low", "stale")])
    assert handle(MOOD, state, Choose("mood", 9), {}) == (state, [Ignored("mood", "not an option")])
    assert handle(MOOD, state, Choose("mood", "4"), {}) == (state, [Ignored("mood", "not an option")])
    done, _ = handle(MOOD, state, Choose("mood", 4), {})
    assert done.done
    # The same tap again, after the flow ended: nothing happens.
    assert handle(MOOD, done, Choose("mood", 4), {}) == (done, [Ignored("mood", "done")])


def test_state_round_trips_through_json() -> None:
    state, _ = run(MOOD, [lambda s: Choose(s, 2)])
    again = FlowState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state
    with pytest.raises(ValueError):
        FlowState.from_dict({"flow_id": "f", "step_id": "mood", "results": {"mood": 1.5}, "done": False})


def test_a_state_whose_step_has_gone_finishes_gracefully() -> None:
    state = FlowState(flow_id="f", step_id="removed_step", results={"mood": 3}, done=False)
    after, effects = handle(MOOD, state, Choose("removed_step", 1), {})
    assert after.done
    assert effects == [Completed({"mood": 3})]


UCLA = make({
    "start": "u1",
    "steps": [
        {"id": "u1", "text": "f.q", "options": "ucla3", "result": "u1", "validated": True, "next": "u2"},
        {"id": "u2", "text": "f.q", "options": "ucla3", "result": "u2", "validated": True, "next": "u3"},
        {"id": "u3", "text": "f.q", "options": "ucla3", "result": "u3", "validated": True, "next": "end"},
        {"id": "end", "say": "f.thanks"},
    ],
    "scores": [{"name": "ucla3", "instrument": "ucla3", "items": ["u1", "u2", "u3"]}],
    "escalations": [{"kind": "low_score", "score": "ucla3", "at_least": 8}],
})


def test_ucla3_is_scored_as_soon_as_complete_and_escalates_at_8() -> None:
    _, effects = run(UCLA, [lambda s: Choose(s, 3), lambda s: Choose(s, 2), lambda s: Choose(s, 3)])
    scored = [e for e in effects if isinstance(e, Scored)]
    assert scored == [Scored("ucla3", "ucla3", 8, {"u1": 3, "u2": 2, "u3": 3})]
    assert [e.kind for e in effects if isinstance(e, Escalate)] == ["low_score"]
    assert effects.index(scored[0]) < effects.index(Say("f.thanks"))
    assert all(e.validated for e in effects if isinstance(e, Ask))


def test_ucla3_of_7_does_not_escalate() -> None:
    _, effects = run(UCLA, [lambda s: Choose(s, 3), lambda s: Choose(s, 2), lambda s: Choose(s, 2)])
    assert [e.total for e in effects if isinstance(e, Scored)] == [7]
    assert not [e for e in effects if isinstance(e, Escalate)]


def test_ucla3_with_a_skipped_item_has_no_total_and_never_escalates() -> None:
    _, effects = run(UCLA, [lambda s: Choose(s, 3), lambda s: Skip(s), lambda s: Choose(s, 3)])
    assert [e for e in effects if isinstance(e, Scored)] == [Scored("ucla3", "ucla3", None,
                                                                    {"u1": 3, "u2": None, "u3": 3})]
    assert not [e for e in effects if isinstance(e, Escalate)]


def test_a_score_whose_items_were_partly_asked_is_emitted_at_the_end_without_total() -> None:
    flow = make({
        "start": "u1",
        "steps": [
            {"id": "u1", "text": "f.q", "options": "ucla3", "result": "u1", "next": "u2"},
            {"id": "u2", "text": "f.q", "options": "ucla3", "result": "u2", "next": "u3", "only_if": "all"},
            {"id": "u3", "text": "f.q", "options": "ucla3", "result": "u3", "only_if": "all"},
        ],
        "scores": [{"name": "ucla3", "instrument": "ucla3", "items": ["u1", "u2", "u3"]}],
    })
    _, effects = run(flow, [lambda s: Choose(s, 3)])
    assert effects[-2:] == [Scored("ucla3", "ucla3", None, {"u1": 3, "u2": None, "u3": None}),
                            Completed({"u1": 3})]


def test_free_text_is_stored_as_text_and_blank_text_is_nudged() -> None:
    flow = make({
        "start": "t",
        "steps": [{"id": "t", "text": "f.text", "free_text": True, "result": "words"}],
    })
    state, effects = start(flow, {})
    assert effects == [Ask("t", "f.text", (), True, False)]
    same, nudged = handle(flow, state, Typed("t", "   "), {})
    assert same == state and isinstance(nudged[0], Nudge)
    _, effects = handle(flow, state, Typed("t", " Much better now "), {})
    assert effects == [Record("words", "Much better now", " Much better now ", free_text=True),
                       Completed({"words": "Much better now"})]


def test_context_branches_with_one_of() -> None:
    flow = make({
        "start": "mood",
        "steps": [
            {"id": "mood", "text": "f.q", "options": "mood5", "result": "mood", "next": "thanks",
             "branches": [{"when": {"context": "milestone", "one_of": ["3m", "6m"]}, "next": "u1"}]},
            {"id": "u1", "text": "f.q", "options": "ucla3", "result": "u1", "next": "thanks"},
            {"id": "thanks", "say": "f.thanks"},
        ],
    })
    _, effects = run(flow, [lambda s: Choose(s, 3)], {"milestone": "3m"})
    assert effects[-1].step_id == "u1"
    _, effects = run(flow, [lambda s: Choose(s, 3)], {"milestone": "1m"})
    assert effects[-1] == Completed({"mood": 3})


def test_engine_refuses_a_state_of_another_flow() -> None:
    with pytest.raises(ValueError):
        handle(MOOD, FlowState("other", "mood", {}, False), Skip("mood"), {})
