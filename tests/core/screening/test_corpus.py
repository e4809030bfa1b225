"""Accuracy on labelled, synthetic messages, split into a tuning part and a held-out part.

How the split was made (one author wrote every message and every rule, so read the figures with that in
mind): held-out **v1** (170 messages) was written before any rule; its first run gave risk recall 0.950,
distress-or-risk recall 0.981, ordinary flagged 0.000. It then joined the tuning part (tag
``heldout_v1``). Held-out **v2** (173, written before the v1 fixes) gave 0.806 / 0.850 / 0.076 and joined
the tuning part too (tag ``heldout_v2``). Held-out **v3** (171, written before the v2 fixes) gave 0.817 /
0.886 / 0.061 on its first run, missing the issue's targets; it then joined the tuning part as well (tag
``heldout_v3``), and the rules were broadened (word classes, word gaps, indirect wording, more languages)
rather than fitted sentence by sentence.

Held-out **v4** (224 messages) was the first written blind, by someone who had not seen the rules. Its
honest first run, before any tuning on it: risk recall 0.836, distress-or-risk recall 0.771, ordinary
messages flagged 0.075. It then joined the tuning part (tag ``heldout_v4``); its misses were treated as
symptoms of missing general coverage (indirect farewells, abuse by carers and relatives, coercive control,
falls, the breadth of distress wording, other people's or resolved events) and fixed by class, not by
sentence. New varied messages written while doing so carry the tag ``written_v5r`` (not blind: written
after v4's misses, by the author of the fixes). Their first run, before any fix aimed at them, was a warning
worth keeping: 153 mixed messages gave risk recall 0.72, distress-or-risk recall 0.76, ordinary flagged
0.08, and 51 deliberately tricky ordinary messages were flagged at 0.12. Ten earlier rows that encoded the
old past-and-resolved policy were relabelled ``none`` (tag ``relabelled_policy``; see screening/README.md).

Held-out **v5** (257 messages: 80 risk, 80 distress, 97 ordinary) was written blind by another author, told
to avoid clichés and to use phrasings not found in common lists. Its honest first run, before any tuning on
it: risk recall 0.375, distress-or-risk recall 0.550, ordinary messages flagged 0.052 (risk precision
0.857). Indirect risk was the big gap: a means with a time or intent ("the rope is in the garage"),
farewells in ordinary words, relapse of self-harm, harm from others told through plain verbs, and
emergencies told without the textbook words. It then joined the tuning part (tag ``heldout_v5``) and was
treated, like v4, as symptoms of missing general coverage rather than sentences to fit: composable signs
(a means with a time or intent, farewells in ordinary words, relapse, harm and emergencies told plainly, the
breadth of distress; ``screening/signs.toml``), a past phrase reaching a clause joined by "and", and plain
phrases in Welsh, Polish and Urdu/Punjabi. After that work v5 scores 1.000 / 1.000 / 0.000 as tuning data,
which says nothing about unseen wording. New varied messages written afterwards by the author of the fixes
carry the tag ``written_v6r`` (not blind; about half plain wording, half indirect, in all four languages).
Their first run, before any fix aimed at them, was again a warning: 184 messages (72 risk, 51 distress, 61
ordinary) gave risk recall 0.764, distress-or-risk recall 0.691, ordinary flagged 0.033; every plain risk
message was caught, every miss was indirect (a belt and a beam, the times of trains that do not stop, a note
"he'll find", a floppy baby, carers not coming). 12 of them were already in the tuning part and were not
added twice; 27 tricky ordinary messages written to probe the new rules were added afterwards.

Held-out **v6** (229 messages after 11 already in tuning were removed: 66 risk, 68 distress, 95 ordinary) was
written blind by another author, about half in plain everyday wording and half indirect. Its honest first run,
before any tuning on it: risk recall 0.697, distress-or-risk recall 0.724, ordinary messages flagged 0.074
(risk precision 0.920). Plain risk was mostly caught; the misses were scams in progress, farewells in ordinary
words, financial and coercive abuse told plainly, and distress in everyday words (grief anniversaries, bills, a
quiet house, worry about results). It then joined the tuning part (tag ``heldout_v6``) and its misses were fixed
by class in ``screening/plain.toml`` (scams in progress, everyday farewells, money and coercive abuse, plain
emergencies, everyday distress) and by exceptions for its false alarms (a suicide storyline or documentary, a
suicide decades ago, "nearly had a heart attack" at a mouse, a Polish idiom, self-harm "50 years ago").

New varied messages written by the author of those fixes carry the tag ``written_v7r`` (not blind). Their first
run, before any fix aimed at them (and before the v6 fixes): 127 messages (44 risk, 39 distress, 44 ordinary)
gave risk recall 0.682, distress-or-risk recall 0.723, ordinary flagged 0.023: the same classes as v6 (scams in
progress, everyday farewells, the PIN changed, carers not coming and no food, everyday loneliness and money)
missed again, so the v6 figures were not a one-off. Three probes written after the first fixes, to test them,
were added with the same tag, each with its first run before the fix aimed at it: 30 mixed and tricky messages
(a taxi waiting outside, a gift card bought for a grandchild, "woke at 3am worrying I'd left the oven on") had 6
wrong; 46 paraphrases of the new classes (22 risk, 12 distress, 12 ordinary) gave risk recall 0.50,
distress-or-risk 0.59, ordinary flagged 0.33; and 18 tricky ordinary messages aimed at the new rules ("on hold
to the council", "in constant pain before the op", a Facebook group asking for money for a cat rescue) were
flagged at 0.50. So the new rules generalise only partly: expect v7 to find more.

Held-out **v7** (``corpus_heldout.jsonl``, 236 messages after 4 already in tuning were removed: 70 risk, 70
distress, 96 ordinary) was written blind by another author, a mix of plain and indirect wording. Its honest
first run, before any tuning on it: risk recall 0.700 (risk precision 1.000), distress-or-risk recall 0.707,
ordinary messages flagged 0.031. These are the figures to quote for messages the rules have not seen: they
meet the limit on ordinary messages and miss the two recall targets (0.97 and 0.90). Every blind set has
found wording no rule listed (quiet farewells, self-harm and abuse told in Urdu or Punjabi, someone kept
from their phone, everyday loneliness, grief and money worries), which is why the product does not rely on
the screener alone: whatever a person writes that is neither an answer nor flagged still reaches their
worker's next digest (``bot/usecases/passing_on.py``).

Do not tune on the held-out part: when its figures have been recorded here, move it into tuning with its own
tag and start a new one.
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


HELD_OUT_MINIMUM = 150
"""Fewer held-out rows than this means the next held-out part has not been dropped in yet."""

TAGS = {"idiom", "negation", "past", "welsh", "polish", "urdu", "typo", "emoji"}


def held_out_rows() -> list[dict[str, object]]:
    rows = read(HELD_OUT)
    if len(rows) < HELD_OUT_MINIMUM:
        pytest.skip(f"{HELD_OUT.name} holds {len(rows)} rows: the next held-out part has not been dropped in")
    return rows


def test_the_tuning_part_is_big_and_varied() -> None:
    tuning = read(TUNING)
    assert len(tuning) >= 300
    assert {r["label"] for r in tuning} == set(LEVELS)
    assert {tag for r in tuning for tag in r["tags"]} >= TAGS  # type: ignore[attr-defined]


def test_the_corpus_is_big_varied_and_split() -> None:
    tuning = read(TUNING)
    assert not {str(r["text"]).casefold() for r in tuning} & {str(r["text"]).casefold() for r in read(HELD_OUT)}
    held_out = held_out_rows()
    assert len(tuning) + len(held_out) >= 300
    assert {r["label"] for r in held_out} == set(LEVELS)
    assert {tag for r in held_out for tag in r["tags"]} >= TAGS  # type: ignore[attr-defined]


TARGETS = {"risk_recall": 0.97, "flagged_recall": 0.90, "ordinary_flagged": 0.05}
"""The issue's targets."""

HELD_OUT_FLOOR = {"risk_recall": 0.70, "flagged_recall": 0.70, "ordinary_flagged": 0.04}
"""What the rules reached on the last blind held-out part (v7) when it was first run: the next one must at
least not be worse."""


def meets(found: Figures, limits: dict[str, float]) -> bool:
    return (found.risk_recall >= limits["risk_recall"] and found.flagged_recall >= limits["flagged_recall"]
            and found.ordinary_flagged <= limits["ordinary_flagged"])


def test_tuning_part_meets_the_targets(screener: Screener, capsys: pytest.CaptureFixture[str]) -> None:
    found = figures(screener, read(TUNING))
    with capsys.disabled():
        print("\n" + report("tuning", found))
    assert meets(found, TARGETS), report("tuning", found)


def test_held_out_part_does_not_get_worse(screener: Screener, capsys: pytest.CaptureFixture[str]) -> None:
    found = figures(screener, held_out_rows())
    with capsys.disabled():
        print("\n" + report("held out (not tuned on)", found))
    assert meets(found, HELD_OUT_FLOOR), report("held out", found)
