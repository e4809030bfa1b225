"""Small PNG charts for workers (scores over time), drawn with matplotlib's Agg backend.

Pure drawing: callers pass every word (titles, labels) already rendered, and points with local dates. No
pyplot (its global state is not safe across concurrent use): each chart is its own ``Figure``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates  # noqa: E402  (after choosing the backend)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

WIDTH, PANEL_HEIGHT, DPI = 7.0, 2.6, 110


@dataclass(frozen=True)
class Line:
    """One series: a label for the legend and (local time, value) points."""

    label: str
    points: Sequence[tuple[datetime, float]]


@dataclass(frozen=True)
class Panel:
    """One plot: its title, what the y axis means, its range, and its lines."""

    title: str
    y_label: str
    y_limits: tuple[float, float]
    lines: Sequence[Line]


def _num(at: datetime) -> float:
    return float(mdates.date2num(at))  # type: ignore[no-untyped-call]


def line_chart(title: str, x_label: str, panels: Sequence[Panel]) -> bytes:
    """The panels stacked under one title, dates on the x axis, as PNG bytes."""
    shown = [panel for panel in panels if any(line.points for line in panel.lines)]
    if not shown:
        raise ValueError("nothing to draw")
    figure = Figure(figsize=(WIDTH, PANEL_HEIGHT * len(shown) + 0.6), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=12, fontweight="bold")
    axes_list = figure.subplots(len(shown), 1, squeeze=False, sharex=True)[:, 0]
    for axes, panel in zip(axes_list, shown, strict=True):
        for line in panel.lines:
            if line.points:
                xs = [_num(at) for at, _ in line.points]
                axes.plot(xs, [value for _, value in line.points], marker="o", linewidth=1.8, label=line.label)
        axes.set_title(panel.title, fontsize=10, loc="left")
        axes.set_ylabel(panel.y_label, fontsize=8)
        low, high = panel.y_limits
        margin = (high - low) * 0.06
        axes.set_ylim(low - margin, high + margin)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=7, loc="best")
    bottom = axes_list[-1]
    every = [_num(at) for panel in shown for line in panel.lines for at, _ in line.points]
    if max(every) - min(every) < 1:  # one day only: give the axis some width either side
        bottom.set_xlim(min(every) - 3, max(every) + 3)
    bottom.set_xlabel(x_label, fontsize=9)
    bottom.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=8))  # type: ignore[no-untyped-call]
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))  # type: ignore[no-untyped-call]
    for label in bottom.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
