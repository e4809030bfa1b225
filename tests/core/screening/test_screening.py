"""What the issue asks of the screener, case by case."""

from __future__ import annotations

import time

import pytest

from bot.core.screening import Screener, Screening


@pytest.mark.parametrize("text", [
    "I'd kill for a cuppa", "dying to see the grandkids", "my phone died", "this heat is killing me",
    "I could murder a bacon roll", "my feet are killing me", "I nearly died laughing", "the grandkids beat me at cards",
    "my wife will kill me if I forget the milk", "I cut myself shaving", "you gave me a heart attack",
    "I'd rather die than go to the dentist", "my back is killing me",
])
def test_british_idiom_is_none(screener: Screener, text: str) -> None:
    assert screener.screen(text) == Screening("none", (), screener.screen(text).hits)


@pytest.mark.parametrize(("text", "reason"), [
    ("I want to die", "suicide.wish_to_die"), ("wanna kms rn", "suicide.intent"),
    ("I WANT TO KILL MYSELF", "suicide.intent"), ("i cant go on anymore", "suicide.wish_to_die"),
    ("u wanna know the truth i want 2 die", "suicide.wish_to_die"), ("sucidal thoughts", "suicide.mention"),
    ("I've been self harming", "self_harm"), ("my partner hit me again", "harm.violence"),
    ("he said he'll kill me", "harm.threat"), ("chest pain can't breathe", "medical.chest_breathing"),
    ("I've taken all my tablets", "medical.overdose_poisoning"), ("gonna 🔪 myself", "emoji.harm"),
    ("dw i eisiau marw", "cy.suicide"), ("dw i ddim eisiau byw", "cy.suicide"), ("chcę umrzeć", "pl.suicide"),
    ("chce umrzec", "pl.suicide"), ("nie chcę żyć", "pl.suicide"), ("nie chce zyc", "pl.suicide"),
    ("zabiję się", "pl.suicide"), ("zabije sie", "pl.suicide"), ("main marna chahta hoon", "ur.suicide"),
    ("mar jana chahti hoon", "ur.suicide"), ("khudkushi", "ur.suicide"), ("main mar jaunga", "ur.suicide"),
])
def test_risk(screener: Screener, text: str, reason: str) -> None:
    result = screener.screen(text)
    assert result.level == "risk"
    assert reason in result.reasons


@pytest.mark.parametrize(("text", "reason"), [
    ("feeling really low", "mood.low"), ("everything feels hopeless", "mood.hopeless"),
    ("so lonely, no one to talk to", "isolation.acute"), ("not coping at all", "coping.not_coping"),
    ("can't afford to put the heating on", "money.crisis"), ("I'm being evicted", "housing.crisis"),
    ("pretty rubbish week 😭💔", "emoji.sad"),
])
def test_distress(screener: Screener, text: str, reason: str) -> None:
    result = screener.screen(text)
    assert (result.level, result.reasons[:1]) == ("distress", (reason,))


@pytest.mark.parametrize("text", ["not great tbh", "had a lovely time at the knit group", "pretty rubbish week",
                                  "fine thanks", "😭", "😭💔😭", "🔪", "💊", "⚰️", "", "   ", "...", "👍"])
def test_everyday_replies_and_emoji_alone_are_none(screener: Screener, text: str) -> None:
    assert screener.screen(text).level == "none"


CHEERFUL = ("Had a lovely morning at the allotment with my grandson, we planted beans and the robin came to say "
            "hello. Then the knitting group at the library, Margaret brought her famous lemon cake! ")


@pytest.mark.parametrize("phrase", ["I want to kill myself", "chest pain, can't breathe", "dw i eisiau marw"])
def test_risk_at_the_very_end_of_a_long_cheerful_message(screener: Screener, phrase: str) -> None:
    text = (CHEERFUL * 40)[: 4096 - len(phrase) - 1] + " " + phrase
    assert len(text) == 4096
    assert screener.screen(text).level == "risk"
    assert screener.screen((CHEERFUL * 40)[:4096]).level == "none"


def test_a_4096_character_message_is_screened_fast(screener: Screener) -> None:
    text = (CHEERFUL * 40)[:4090] + " kms"
    screener.screen(text)
    started = time.perf_counter()
    for _ in range(20):
        assert screener.screen(text).level == "risk"
    per_message = (time.perf_counter() - started) / 20
    assert per_message < 0.05, f"{per_message * 1000:.1f} ms per 4,096-character message"


def test_reasons_are_most_severe_first_and_hits_explain(screener: Screener) -> None:
    result = screener.screen("so lonely. I want to die")
    assert result.level == "risk"
    assert result.reasons == ("suicide.wish_to_die", "isolation.acute")
    assert [(h.rule, h.phrase) for h in result.hits] == [("isolation.acute", "lonely"),
                                                        ("suicide.wish_to_die", "want to die")]
    assert result.flagged


def test_screening_is_pure_and_repeatable(screener: Screener) -> None:
    assert screener.screen("I want to die") == screener.screen("I want to die")


@pytest.mark.parametrize("text", [("😭💔🔪🩸" * 1024)[:4096], ("i want to 🔪 " * 400)[:4096], "me " * 1365,
                                  ("not, " * 1000)[:4096]])
def test_a_4096_character_message_of_many_matches_is_still_fast(screener: Screener, text: str) -> None:
    screener.screen(text)
    started = time.perf_counter()
    for _ in range(5):
        screener.screen(text)
    per_message = (time.perf_counter() - started) / 5
    assert per_message < 0.1, f"{per_message * 1000:.1f} ms"


@pytest.mark.parametrize("text", ["🔪🩸", "🔪🩸💊⚰️", "😭😭😭 💔", "🔪 🩸 ⚰️ !!!", "💊💊💊"])
def test_a_message_of_only_emoji_is_none(screener: Screener, text: str) -> None:
    assert screener.screen(text).level == "none"


@pytest.mark.parametrize(("text", "level"), [
    ("<b>fine thanks</b>", "none"), ("<script>alert('kill')</script> all good", "none"),
    ("<i>I want to die</i>", "risk"), ("I can&#39;t breathe", "risk"), ("&lt;b&gt;so lonely&lt;/b&gt;", "distress"),
    ('<a href="https://example.org/die">link</a>', "none"),
])
def test_html_in_a_message_does_no_harm(screener: Screener, text: str, level: str) -> None:
    assert screener.screen(text).level == level
