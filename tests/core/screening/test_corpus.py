"""Accuracy on labelled, synthetic messages, split into a tuning part and a held-out part.

How the split was made (one author wrote every message and every rule, so read the figures with that in
mind): held-out **v1** (170 messages) was written before any rule; its first run gave risk recall 0.950,
distress-or-risk recall 0.981, ordinary flagged 0.000. It then joined the tuning part (tag
``heldout_v1``). Held-out **v2** (173, written before the v1 fixes) gave 0.806 / 0.850 / 0.076 and joined
the tuning part too (tag ``heldout_v2``). Held-out **v3** (``corpus_heldout.jsonl``, 171) was written
before the v2 fixes and has not been tuned on: its first run gave risk recall 0.817, distress-or-risk
recall 0.886, ordinary flagged 0.061. Those are the honest figures for messages the rules have not seen;
they miss the issue's targets, which the tuning part meets. Do not tune on the held-out part: add a new
one (ideally written by someone else) and move this one into tuning.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.screening import LEVELS, Screener

HERE = Path(__file__).resolve().parent
TUNING = HERE / "corpus_tuning.jsonl"
HELD_OUT = HERE / "corpus_heldout.jsonl"


def read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Figures:
    """Precision and recall per label, and the three figures the issue sets limits on."""

    per_label: dict[str, tuple[float, float, int]]
    risk_recall: float
    flagged_recall: float
    ordinary_flagged: float
    misses: list[str]


def figures(screener: Screener, rows: Sequence[dict[str, object]]) -> Figures:
    pairs = [(str(row["label"]), screener.screen(str(row["text"])).level) for row in rows]
    per_label = {}
    for label in LEVELS:
        predicted = sum(1 for _, got in pairs if got == label)
        actual = sum(1 for want, _ in pairs if want == label)
        right = sum(1 for want, got in pairs if want == got == label)
        per_label[label] = (right / predicted if predicted else 1.0, right / actual if actual else 1.0, actual)
    risk = [got for want, got in pairs if want == "risk"]
    flagged = [got for want, got in pairs if want != "none"]
    ordinary = [got for want, got in pairs if want == "none"]
    return Figures(per_label, risk.count("risk") / len(risk), sum(g != "none" for g in flagged) / len(flagged),
                   sum(g != "none" for g in ordinary) / len(ordinary),
                   [f"want {w}, got {g}: {row['text']!r}" for (w, g), row in zip(pairs, rows, strict=True) if w != g])


def report(name: str, found: Figures) -> str:
    lines = [f"{name}: label     precision  recall  n"]
    lines += [f"  {label:<14} {p:9.3f} {r:7.3f}  {n}" for label, (p, r, n) in found.per_label.items()]
    lines.append(f"  risk recall {found.risk_recall:.3f}; distress-or-risk recall {found.flagged_recall:.3f}; "
                 f"ordinary messages flagged {found.ordinary_flagged:.3f}")
    lines += [f"  miss: {miss}" for miss in found.misses]
    return "\n".join(lines)


def test_the_corpus_is_big_varied_and_split() -> None:
    tuning, held_out = read(TUNING), read(HELD_OUT)
    assert len(tuning) + len(held_out) >= 300
    assert len(held_out) >= 150
    assert not {str(r["text"]).casefold() for r in tuning} & {str(r["text"]).casefold() for r in held_out}
    for rows in (tuning, held_out):
        assert {r["label"] for r in rows} == set(LEVELS)
        tags = {tag for r in rows for tag in r["tags"]}  # type: ignore[attr-defined]
        assert {"idiom", "negation", "past", "welsh", "polish", "urdu", "typo", "emoji"} <= tags


TARGETS = {"risk_recall": 0.97, "flagged_recall": 0.90, "ordinary_flagged": 0.05}
"""The issue's targets."""

HELD_OUT_FLOOR = {"risk_recall": 0.80, "flagged_recall": 0.85, "ordinary_flagged": 0.07}
"""What the rules reached on the held-out part when it was first run: a guard against getting worse."""


def meets(found: Figures, limits: dict[str, float]) -> bool:
    return (found.risk_recall >= limits["risk_recall"] and found.flagged_recall >= limits["flagged_recall"]
            and found.ordinary_flagged <= limits["ordinary_flagged"])


def test_tuning_part_meets_the_targets(screener: Screener, capsys: pytest.CaptureFixture[str]) -> None:
    found = figures(screener, read(TUNING))
    with capsys.disabled():
        print("\n" + report("tuning", found))
    assert meets(found, TARGETS), report("tuning", found)


def test_held_out_part_does_not_get_worse(screener: Screener, capsys: pytest.CaptureFixture[str]) -> None:
    found = figures(screener, read(HELD_OUT))
    with capsys.disabled():
        print("\n" + report("held out (not tuned on)", found))
    assert meets(found, HELD_OUT_FLOOR), report("held out", found)
