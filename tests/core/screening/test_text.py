"""Normalisation: what a message becomes before the rules see it."""

from __future__ import annotations

import pytest

from bot.core.screening import Screener


@pytest.mark.parametrize(("text", "words"), [
    ("I CAN’T BREATHE", "i can not breathe"),
    ("i cant breathe", "i can not breathe"),
    ("I couldn't", "i could not"),
    ("I'm fine", "i am fine"),
    ("Im fine", "i am fine"),
    ("wanna kms rn", "want to kill myself right now"),
    ("u ok?", "you ok"),
    ("Chcę umrzeć", "chce umrzec"),
    ("Zabiję się", "zabije sie"),
    ("dw i'n teimlo'n unig", "dw i yn teimlo yn unig"),
    ("Dwi'n iawn", "dw i yn iawn"),
    ("soooo lonely", "so lonely"),
    ("k*ll myself", "kill myself"),
    ("self-harm", "self harm"),
    ("want to 🔪 myself", "want to emoji_knife myself"),
    ("🎉🎈", ""),
    ("😂🎉", "emoji_laugh"),
    ("sucidal", "suicidal"),
    ("suicidle", "suicide"),
    ("myslef", "myself"),
    ("paracetemol", "paracetamol"),
    ("lovely", "lovely"),
    ("خودکشی", "خودکشی"),
])
def test_words(screener: Screener, text: str, words: str) -> None:
    assert " ".join(screener.normaliser.split(text).tokens) == words


def test_sentences_and_clauses_are_marked(screener: Screener) -> None:
    words = screener.normaliser.split("Fine. Not great, but ok!\n\nBye")
    assert words.tokens == ("fine", ".", "not", "great", "but", "ok", ".", "bye")
    assert words.clause_starts == frozenset({4})


def test_real_words_near_a_keyword_are_left_alone(screener: Screener) -> None:
    for word in ("lovely", "putting", "gutting", "tables", "strange", "coming", "expressed", "impression"):
        assert screener.normaliser.split(word).tokens == (word,)


def test_a_decimal_point_does_not_end_a_sentence(screener: Screener) -> None:
    assert screener.normaliser.split("sugar is 1.9. ok").tokens == ("sugar", "is", "1dot9", ".", "ok")
    assert "3000" in screener.normaliser.split("lost £3,000").tokens
    assert screener.screen("sugar is 1.9 and im shaking, no dextrose left").level == "risk"
