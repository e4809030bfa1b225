"""A person's scores over time as a chart for their worker: loneliness (UCLA-3, ONS) and wellbeing (ONS4)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup

from bot.charts import Line, Panel, line_chart
from bot.services import Services
from bot.store.models import Person, Score
from bot.usecases.routing import local
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_tools_facts import ONS4_ITEMS

Points = list[tuple[datetime, float]]


def _when(s: Services, score: Score) -> datetime:
    return local(s.settings, score.recorded_at).replace(tzinfo=None)


def _totals(s: Services, scores: Sequence[Score], name: str) -> Points:
    return [(_when(s, sc), float(sc.total)) for sc in scores if sc.name == name and sc.total is not None]


def _item(s: Services, scores: Sequence[Score], key: str) -> Points:
    return [(_when(s, sc), float(sc.items[key])) for sc in scores
            if sc.name == "ons4" and isinstance(sc.items.get(key), int | float)]


def scores_chart(s: Services, person: Person, scores: Sequence[Score]) -> bytes | None:
    """The chart as PNG bytes, or None when there is nothing to draw."""
    def text(key: str, **variables: str) -> str:  # drawn, not shown as HTML: no entities
        return Markup(s.text(EN, f"worker_tools.chart.{key}", **variables)).unescape()

    panels = [
        Panel(text("loneliness_title"), text("loneliness_axis"), (3, 9),
              [Line(text("ucla3"), _totals(s, scores, "ucla3"))]),
        Panel(text("ons_lonely_title"), text("ons_lonely_axis"), (1, 5),
              [Line(text("ons_lonely"), _totals(s, scores, "ons_lonely"))]),
        Panel(text("wellbeing_title"), text("wellbeing_axis"), (0, 10),
              [Line(text(key), _item(s, scores, key)) for key in ONS4_ITEMS]),
    ]
    if not any(line.points for panel in panels for line in panel.lines):
        return None
    return line_chart(text("title", name=person.display_name), text("x_axis"), panels)
