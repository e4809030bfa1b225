"""``checkin-bot screen`` as a deployer or an outside check runs it: the real command, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[3]


class Done(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, stdin: str = "") -> Done:
    """``python -m bot screen …`` with an ASCII-only locale: the command must not rely on it for UTF-8."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    done = subprocess.run([sys.executable, "-m", "bot", "screen", *args], input=stdin.encode("utf-8"),
                          capture_output=True, env=env, timeout=60, cwd=ROOT, check=False)
    return Done(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def test_jsonl_adds_level_and_reasons_to_each_line() -> None:
    lines = [{"text": "I want to die", "id": 1}, {"text": "fine thanks"}, {"text": "so lonely"},
             {"text": "chcę umrzeć 😭", "id": "pl"}, {"text": "I'd kill for a cuppa"}]
    done = run("--jsonl", stdin="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines) + "\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(o["level"], o["reasons"]) for o in out] == [
        ("risk", ["suicide.wish_to_die"]), ("none", []), ("distress", ["isolation.acute"]),
        ("risk", ["pl.suicide"]), ("none", [])]
    assert out[0]["id"] == 1 and out[3]["text"] == "chcę umrzeć 😭"


def test_jsonl_evidence_and_bad_lines() -> None:
    done = run("--jsonl", "--evidence", stdin='{"text": "I\'m not going to hurt myself"}\nnot json\n{"x": 1}\n')
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert out[0]["level"] == "none"
    assert out[0]["hits"][0]["status"] == "negated"
    assert out[1] == {"line": 2, "error": out[1]["error"]} and out[1]["error"].startswith("not JSON")
    assert out[2]["line"] == 3


def test_text_prints_level_and_reasons() -> None:
    done = run("I want to die", "fine thanks")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "risk\tsuicide.wish_to_die"
    assert lines[1].split() == ["fired", "suicide.wish_to_die", "(risk):", '"want', 'to', 'die"']
    assert lines[2] == "none\t-"


def test_check_and_broken_rules(tmp_path: Path) -> None:
    done = run("--check")
    assert done.returncode == 0 and done.stdout.startswith("ok: ")
    (tmp_path / "rules.toml").write_text('[[rules]]\nid = "x"\nlevel = "urgent"\n', encoding="utf-8")
    broken = run("--rules", str(tmp_path), "anything")
    assert broken.returncode == 2
    assert f"{tmp_path.name}/rules.toml: rules[0].level: must be one of risk, distress" in broken.stderr
