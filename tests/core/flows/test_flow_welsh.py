"""Welsh: every shipped flow renders in cy with every message present; validated items stay as published."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.flows import Flow
from bot.flowfiles import load_flows, render_options, render_text
from bot.messages import Messages

ROOT = Path(__file__).resolve().parents[3]
CONTEXT = {"goal": "walk to the park twice", "activity": "the Tuesday lunch club", "milestone": "3m"}


@pytest.fixture(scope="module")
def messages() -> Messages:
    return Messages.load(ROOT / "messages")


@pytest.fixture(scope="module")
def flows(messages: Messages) -> dict[str, Flow]:
    return load_flows(ROOT / "flows", messages)


@pytest.mark.parametrize("flow_id", ["baseline", "weekly", "end_of_support", "followup"])
def test_flow_renders_in_welsh(flow_id: str, flows: dict[str, Flow], messages: Messages) -> None:
    flow = flows[flow_id]
    welsh = messages.keys("cy")
    missing = sorted(key for key in flow.message_keys() if key not in welsh)
    assert missing == [], f"{flow_id}: keys missing in cy: {missing}"
    assert render_text(messages, "cy", flow.name, CONTEXT) != render_text(messages, "en", flow.name, CONTEXT)
    for step in flow.steps.values():
        cy = render_text(messages, "cy", step.text, CONTEXT, validated=step.validated)
        en = render_text(messages, "en", step.text, CONTEXT, validated=step.validated)
        assert cy.strip(), step.id
        labels_cy = render_options(messages, "cy", step.options, CONTEXT, validated=step.validated)
        labels_en = render_options(messages, "en", step.options, CONTEXT, validated=step.validated)
        if step.validated:
            # Published wording, in English, in every locale.
            assert cy == en and labels_cy == labels_en, step.id
        else:
            assert cy != en, f"{flow_id}.{step.id} is not translated: {cy!r}"
            if any(not label.isdigit() for label in labels_en):
                assert labels_cy != labels_en, step.id
        if step.nudge is not None:
            assert render_text(messages, "cy", step.nudge, CONTEXT) != render_text(messages, "en", step.nudge,
                                                                                  CONTEXT)


def test_welsh_files_say_they_await_review() -> None:
    mine = ["answers", "instruments", "baseline", "weekly", "end_of_support", "followup"]
    for name in mine:
        first = (ROOT / "messages" / "cy" / f"{name}.toml").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#") and "awaits review by a native Welsh speaker" in first, name


def test_welsh_note_before_the_measures_says_why_they_are_in_english(messages: Messages) -> None:
    note = messages.render("cy", "instruments.note")
    assert "Saesneg" in note  # "in English"
    assert note != messages.render("en", "instruments.note")


def test_measures_are_exactly_as_published(messages: Messages) -> None:
    for locale in ("en", "cy"):
        def render(key: str, locale: str = locale) -> str:
            return messages.render(locale, key)

        assert render("instruments.ucla3.lack_companionship") == (
            "How often do you feel that you lack companionship?")
        assert render("instruments.ucla3.left_out") == "How often do you feel left out?"
        assert render("instruments.ucla3.isolated") == "How often do you feel isolated from others?"
        assert render("instruments.ons.lonely") == "How often do you feel lonely?"
        assert [render(f"answers.ucla3.{k}") for k in ("hardly_ever", "some_of_the_time", "often")] == [
            "Hardly ever or never", "Some of the time", "Often"]
        assert [render(f"answers.ons_lonely.{k}") for k in (
            "often_always", "some_of_the_time", "occasionally", "hardly_ever", "never")] == [
            "Often/always", "Some of the time", "Occasionally", "Hardly ever", "Never"]
        ons4 = {
            "satisfied": "Overall, how satisfied are you with your life nowadays?",
            "worthwhile": "Overall, to what extent do you feel that the things you do in your life are "
                          "worthwhile?",
            "happy": "Overall, how happy did you feel yesterday?",
            "anxious": "Overall, how anxious did you feel yesterday?",
        }
        for key, question in ons4.items():
            assert messages.source(locale, f"instruments.ons4.{key}") == (
                f'{question}\n\nWhere 0 is "not at all" and 10 is "completely".')
