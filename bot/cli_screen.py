"""``checkin-bot screen``: screen text for risk and distress with the screening rules, from the command line.

``checkin-bot screen "text" ["text" …]`` prints, for each text, a line with the level and the reasons
(rule ids, comma-separated, or ``-``), then one indented line per match as evidence::

    risk	suicide.wish_to_die
      fired          suicide.wish_to_die (risk): "want to die"

``checkin-bot screen --jsonl`` reads one JSON object a line on standard input, each with a ``"text"``, and
writes each object back on one line with ``"level"`` and ``"reasons"`` (a list of rule ids) added
(``--evidence`` adds ``"hits"`` too). A line that is not such an object is answered with ``{"line": N,
"error": …}`` and the exit status is then 1; blank lines are skipped. Rules that cannot be loaded: their
problems on standard error, exit 2. ``--check`` loads the rules (checking every example) and reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from bot.cli_common import EXIT_BAD_CONFIG
from bot.screening_rules import DEFAULT_RULES, Screener, Screening, ScreeningRulesError, load_rules


def add_screen_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``screen`` sub-command's arguments."""
    parser.add_argument("text", nargs="*", help="text to screen (each argument separately)")
    parser.add_argument("--jsonl", action="store_true",
                        help='read {"text": …} lines on stdin; write each back with "level" and "reasons"')
    parser.add_argument("--evidence", action="store_true", help='with --jsonl: add "hits", every match found')
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES,
                        help="a folder of rule files, or one file (default: the rules shipped in screening/)")
    parser.add_argument("--check", action="store_true", help="load and check the rules and their examples only")


def _evidence(result: Screening) -> list[dict[str, Any]]:
    return [asdict(hit) for hit in result.hits]


def _print_text(screener: Screener, text: str, out: TextIO) -> None:
    result = screener.screen(text)
    out.write(f"{result.level}\t{', '.join(result.reasons) or '-'}\n")
    for hit in result.hits:
        level = hit.rule_level if hit.level == hit.rule_level else f"{hit.rule_level} -> {hit.level}"
        cue = f" (by {json.dumps(hit.cue, ensure_ascii=False)})" if hit.cue else ""
        out.write(f"  {hit.status:<14} {hit.rule} ({level}): {json.dumps(hit.phrase, ensure_ascii=False)}{cue}\n")


def screen_jsonl(screener: Screener, lines: TextIO, out: TextIO, evidence: bool = False) -> int:
    """Screen every ``{"text": …}`` line of ``lines`` into ``out``; 1 if any line was not usable, else 0."""
    status = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            item, problem = None, f"not JSON: {exc.msg}"
        else:
            problem = "" if isinstance(item, dict) and isinstance(item.get("text"), str) else \
                'expected an object with a "text" string'
        if problem:
            status = 1
            out.write(json.dumps({"line": number, "error": problem}) + "\n")
            print(f"line {number}: {problem}", file=sys.stderr)
        else:
            assert isinstance(item, dict)
            result = screener.screen(item["text"])
            item["level"] = result.level
            item["reasons"] = list(result.reasons)
            if evidence:
                item["hits"] = _evidence(result)
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        out.flush()
    return status


def cmd_screen(args: argparse.Namespace) -> int:
    """Screen text given as arguments, or JSON lines on standard input."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    try:
        screener = load_rules(args.rules)
    except ScreeningRulesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return EXIT_BAD_CONFIG
    if args.check:
        examples = sum(len(r.examples) + len(r.not_examples) for r in screener.rules)
        print(f"ok: {len(screener.rules)} rules, {examples} examples checked")
        return 0
    if args.jsonl:
        if args.text:
            print("give text as arguments or --jsonl on standard input, not both", file=sys.stderr)
            return 2
        return screen_jsonl(screener, sys.stdin, sys.stdout, args.evidence)
    if not args.text:
        print('nothing to screen: give text, e.g. checkin-bot screen "I want to die", or use --jsonl',
              file=sys.stderr)
        return 2
    for text in args.text:
        _print_text(screener, text, sys.stdout)
    return 0
