"""Loading flows from files: the shipped flows load; every kind of mistake is reported exactly, at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.flows import Flow
from bot.flowfiles import FlowError, load_flows, render_options, render_text
from bot.messages import Messages

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
id = "weekly"
name = "weekly.name"
start = "mood"

[[steps]]
id = "mood"
text = "weekly.mood.question"
options = "mood5"
result = "mood"
next = "thanks"

[[steps]]
id = "thanks"
say = "weekly.thanks"
"""


@pytest.fixture(scope="module")
def messages() -> Messages:
    return Messages.load(ROOT / "messages")


def folder_with(tmp_path: Path, **files: str) -> Path:
    """A ``flows`` folder with the shipped answer sets and the given flow files."""
    folder = tmp_path / "flows"
    folder.mkdir()
    shutil.copy(ROOT / "flows" / "answers.toml", folder / "answers.toml")
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


def problems(tmp_path: Path, messages: Messages, **files: str) -> list[str]:
    with pytest.raises(FlowError) as caught:
        load_flows(folder_with(tmp_path, **files), messages)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_shipped_flows_load(messages: Messages) -> None:
    flows = load_flows(ROOT / "flows", messages)
    assert sorted(flows) == ["baseline", "end_of_support", "followup", "weekly"]
    weekly = flows["weekly"]
    assert weekly.start == "mood"
    assert [o.value for o in weekly.steps["mood"].options] == [1, 2, 3, 4, 5]
    assert weekly.steps["goal"].only_if is not None and weekly.steps["goal"].only_if.name == "goal"
    assert {(r.kind, r.when.name) for r in weekly.escalations} == {("low_score", "mood"),
                                                                   ("asked_contact", "contact")}
    baseline = flows["baseline"]
    assert [s.instrument for s in baseline.scores] == ["ucla3", "ons_lonely", "ons4"]
    assert all(baseline.steps[i].validated for i in ("ucla_1", "ucla_2", "ucla_3", "ons_lonely"))


def test_a_good_flow_loads(tmp_path: Path, messages: Messages) -> None:
    flows = load_flows(folder_with(tmp_path, weekly=GOOD), messages)
    assert isinstance(flows["weekly"], Flow)
    assert flows["weekly"].source == "flows/weekly.toml"
    # A question with options but no free text gets the default nudge.
    assert flows["weekly"].steps["mood"].nudge == "answers.nudge.buttons"


def test_unknown_next(tmp_path: Path, messages: Messages) -> None:
    text = GOOD.replace('next = "thanks"', 'next = "mood2"')
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[0].next: unknown step 'mood2'",
        "flows/weekly.toml: steps[1]: step 'thanks' can never be reached from start 'mood'",
    ]


def test_cycle(tmp_path: Path, messages: Messages) -> None:
    text = GOOD + 'next = "mood"\n'
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[1].next: cycle mood -> thanks -> mood (a flow must always end)",
    ]


def test_cycle_through_a_branch(tmp_path: Path, messages: Messages) -> None:
    text = GOOD.replace('next = "thanks"\n', 'next = "thanks"\n  [[steps.branches]]\n'
                        '  when = { result = "mood", at_most = 2 }\n  next = "mood"\n')
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[0].branches[0].next: cycle mood -> mood (a flow must always end)",
    ]


def test_duplicate_step_id(tmp_path: Path, messages: Messages) -> None:
    text = GOOD + '\n[[steps]]\nid = "mood"\nsay = "weekly.thanks"\n'
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[2].id: duplicate step id 'mood' (also steps[0])",
    ]


def test_unknown_message_key(tmp_path: Path, messages: Messages) -> None:
    text = GOOD.replace('"weekly.mood.question"', '"weekly.mood.questoin"')
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[0].text: unknown message key 'weekly.mood.questoin'",
    ]


def test_threshold_outside_the_scale_of_a_score(tmp_path: Path, messages: Messages) -> None:
    text = (ROOT / "flows" / "baseline.toml").read_text(encoding="utf-8").replace(
        "at_least = 8", "at_least = 12")
    assert problems(tmp_path, messages, baseline=text) == [
        "flows/baseline.toml: escalations[0].at_least: 12 is outside the scale of score 'ucla3' (3 to 9)",
    ]


def test_threshold_outside_the_scale_of_a_result(tmp_path: Path, messages: Messages) -> None:
    text = GOOD + '\n[[escalations]]\nkind = "low_score"\nresult = "mood"\nat_most = 0\n'
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: escalations[0].at_most: 0 is outside the scale of result 'mood' (1 to 5)",
    ]


def test_threshold_on_a_result_that_is_not_a_number(tmp_path: Path, messages: Messages) -> None:
    text = (ROOT / "flows" / "weekly.toml").read_text(encoding="utf-8").replace(
        'equals = "yes"', "at_least = 1")
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[7].only_if.at_least: result 'contact' is not a number ('no', 'yes')",
        "flows/weekly.toml: escalations[1].at_least: result 'contact' is not a number ('no', 'yes')",
    ]


def test_equals_an_answer_the_step_does_not_offer(tmp_path: Path, messages: Messages) -> None:
    text = (ROOT / "flows" / "weekly.toml").read_text(encoding="utf-8").replace(
        'equals = "yes"', 'equals = "yess"')
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[7].only_if.equals: "
        "'yess' is not an answer of result 'contact' ('no', 'yes')",
        "flows/weekly.toml: escalations[1].equals: 'yess' is not an answer of result 'contact' ('no', 'yes')",
    ]


def test_unknown_check(tmp_path: Path, messages: Messages) -> None:
    text = GOOD.replace('options = "mood5"', 'options = "mood5"\ncheck = "scale_1_6"')
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[0].check: unknown check 'scale_1_6' "
        "(known: scale_0_10, scale_1_5, yes_no, yes_partly_not_yet)",
    ]


def test_unknown_answer_set(tmp_path: Path, messages: Messages) -> None:
    text = GOOD.replace('options = "mood5"', 'options = "mood6"')
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[0].options: unknown answer set 'mood6'",
    ]


def test_toml_syntax_error_names_the_file(tmp_path: Path, messages: Messages) -> None:
    found = problems(tmp_path, messages, weekly=GOOD.replace('start = "mood"', 'start = "mood'))
    assert len(found) == 1
    assert found[0].startswith("flows/weekly.toml: TOML syntax error: ")
    assert "line 3" in found[0]


def test_unknown_key_and_missing_required_key(tmp_path: Path, messages: Messages) -> None:
    text = GOOD.replace('next = "thanks"', 'nxt = "thanks"').replace('result = "mood"\n', "")
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: steps[0].nxt: unknown key (expected one of: id, text, say, options, free_text, "
        "check, result, validated, next, branches, only_if, nudge)",
        "flows/weekly.toml: steps[0].result: required (the name the answer is stored under)",
        "flows/weekly.toml: steps[1]: step 'thanks' can never be reached from start 'mood'",
    ]


def test_unknown_escalation_kind(tmp_path: Path, messages: Messages) -> None:
    text = GOOD + '\n[[escalations]]\nkind = "sad"\nresult = "mood"\nat_most = 1\n'
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: escalations[0].kind: unknown escalation kind 'sad' (expected one of: "
        "asked_contact, disengaged, distress, low_score, risk, stopped, unreachable)",
    ]


def test_score_items_must_be_results_of_the_flow(tmp_path: Path, messages: Messages) -> None:
    text = GOOD + '\n[[scores]]\nname = "ucla3"\ninstrument = "ucla3"\nitems = ["ucla_1", "ucla_2", "mood"]\n'
    assert problems(tmp_path, messages, weekly=text) == [
        "flows/weekly.toml: scores[0].items[0]: 'ucla_1' is not a result of this flow",
        "flows/weekly.toml: scores[0].items[1]: 'ucla_2' is not a result of this flow",
        "flows/weekly.toml: scores[0].items[2]: "
        "result 'mood' (1 to 5) is outside the ucla3 item scale (1 to 3)",
    ]


def test_thresholds_on_ons4_are_refused(tmp_path: Path, messages: Messages) -> None:
    text = (ROOT / "flows" / "baseline.toml").read_text(encoding="utf-8").replace(
        'score = "ucla3"', 'score = "ons4"')
    assert problems(tmp_path, messages, baseline=text) == [
        "flows/baseline.toml: escalations[0].score: score 'ons4' has no total (ons4 is never summed)",
    ]


def test_id_must_match_the_file_name(tmp_path: Path, messages: Messages) -> None:
    assert problems(tmp_path, messages, weekly2=GOOD) == [
        "flows/weekly2.toml: id: 'weekly' does not match the file name 'weekly2'",
    ]


def test_every_problem_in_every_file_is_listed(tmp_path: Path, messages: Messages) -> None:
    found = problems(
        tmp_path, messages,
        a=GOOD.replace('id = "weekly"', 'id = "a"').replace('next = "thanks"', 'next = "nowhere"'),
        b=GOOD.replace('id = "weekly"', 'id = "b"').replace('"weekly.thanks"', '"weekly.thankyou"'),
        c="id = ",
    )
    assert found[:3] == [
        "flows/a.toml: steps[0].next: unknown step 'nowhere'",
        "flows/a.toml: steps[1]: step 'thanks' can never be reached from start 'mood'",
        "flows/b.toml: steps[1].say: unknown message key 'weekly.thankyou'",
    ]
    assert found[3].startswith("flows/c.toml: TOML syntax error: ")
    assert len(found) == 4


def test_answer_set_problems(tmp_path: Path, messages: Messages) -> None:
    folder = folder_with(tmp_path, weekly=GOOD)
    (folder / "answers.toml").write_text(
        (folder / "answers.toml").read_text(encoding="utf-8")
        + '\n[broken]\noptions = [{ label = "answers.nope", value = 1 },'
        ' { label = "answers.yes_no.yes", value = 1 }]\n',
        encoding="utf-8")
    with pytest.raises(FlowError) as caught:
        load_flows(folder, messages)
    assert caught.value.problems == [
        "flows/answers.toml: broken.options[0].label: unknown message key 'answers.nope'",
        "flows/answers.toml: broken.options[1].value: duplicate value 1 (also broken.options[0])",
    ]


def test_missing_folder(tmp_path: Path, messages: Messages) -> None:
    with pytest.raises(FlowError) as caught:
        load_flows(tmp_path / "nope", messages)
    assert caught.value.problems == [f"{tmp_path / 'nope'}: flows folder not found"]


def test_validated_texts_render_in_english_in_welsh(messages: Messages) -> None:
    flows = load_flows(ROOT / "flows", messages)
    step = flows["baseline"].steps["ucla_1"]
    assert render_text(messages, "cy", step.text, {}, validated=True) == (
        "How often do you feel that you lack companionship?")
    assert render_options(messages, "cy", step.options, {}, validated=True) == [
        "Hardly ever or never", "Some of the time", "Often"]
    mood = flows["weekly"].steps["mood"]
    assert render_text(messages, "cy", mood.text, {}) == (
        "Helo! Sut ydych chi wedi bod yn teimlo'r wythnos hon?")


def test_a_bad_label_then_a_repeated_value_is_reported_not_a_crash(tmp_path: Path) -> None:
    from bot.core.flows import build_answer_sets

    data = {"twice": {"options": [{"label": 5, "value": 1}, {"label": "answers.yes_no.yes", "value": 1}]}}
    _, problems = build_answer_sets(data, "flows/answers.toml", {"answers.yes_no.yes"})
    assert "flows/answers.toml: twice.options[1].value: duplicate value 1 (also twice.options[0])" in problems


def test_a_message_variable_no_flow_can_supply_is_caught_at_load(tmp_path: Path) -> None:
    from bot.flowfiles import FlowError, load_flows
    from bot.messages import Messages

    root = Path(__file__).resolve().parent.parent
    messages_dir = tmp_path / "messages"
    for locale in ("en", "cy"):
        (messages_dir / locale).mkdir(parents=True)
        for source in (root / "messages" / locale).glob("*.toml"):
            text = source.read_text(encoding="utf-8")
            if locale == "cy" and source.name == "weekly.toml":
                text = text.replace("{{ goal }}", "{{ nod }}", 1)
            (messages_dir / locale / source.name).write_text(text, encoding="utf-8")
    with pytest.raises(FlowError) as caught:
        load_flows(root / "flows", Messages.load(messages_dir))
    assert any("message 'weekly.goal.question' (cy) uses unknown variable(s) nod" in p for p in caught.value.problems)
