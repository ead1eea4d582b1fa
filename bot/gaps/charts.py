"""The report's charts: matplotlib figures as inline SVG (text as paths, no external file).

Only ``matplotlib.figure.Figure`` is used (no pyplot): no global state, no GUI backend, safe
in the bot's worker threads. Each SVG's ids get a prefix so that several charts can live in
one HTML page without their clip paths and glyphs clashing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.gaps.overview import DepartmentRow, RiskOverview
from bot.texts import risk as texts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# colour-blind safe pair (Okabe-Ito): blue = document exists, orange = missing
EXISTS_COLOUR = "#0072B2"
MISSING_COLOUR = "#E69F00"
SERIES_COLOURS = ("#0072B2", "#E69F00", "#CC79A7", "#009E73")
_STYLE: Any = {
    "svg.fonttype": "path",  # glyphs as paths: looks the same without any font installed
    "svg.hashsalt": "wissenslotse",  # stable ids: the same data gives the same file
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_ID = re.compile(r'\bid="([^"]+)"')


def timeline_svg(overview: RiskOverview, prefix: str = "zeit") -> str:
    """Above: stacked bars per year for the whole scope (document exists / missing). Below,
    when there are several departments: one row per department, a small stacked bar in each
    year, scaled to the row (the counts are in the table under the chart). Two axes instead
    of one per department: the layout's text measuring dominates the cost of a chart."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    departments = sorted({dept for dept, _ in overview.timeline}, reverse=True)
    rows = len(departments) if len(departments) > 1 else 0
    with rc_context(_STYLE):
        heights = [2.6] + ([0.42 * rows + 0.3] if rows else [])
        figure = Figure(figsize=(9, sum(heights) + 0.5), layout="constrained")
        axes = figure.subplots(len(heights), 1, sharex=True, squeeze=False,
                               height_ratios=heights)[:, 0]
        title = (departments[0] or texts.NO_DEPARTMENT) if len(departments) == 1 else (
            texts.ALL_DEPARTMENTS)
        _totals(axes[0], overview, title)
        if rows:
            _department_rows(axes[1], overview, departments)
        figure.legend(handles=axes[0].containers, labels=[texts.DOC_EXISTS, texts.DOC_MISSING],
                      loc="outside upper center", ncols=2, frameon=False)
        return _svg(figure, prefix)


def _totals(ax: Axes, overview: RiskOverview, title: str) -> None:
    from matplotlib.ticker import MaxNLocator

    years = list(overview.years)
    counts = [overview.leaving_in(y) for y in years]
    exists = [c[0] for c in counts]
    ax.bar(years, exists, color=EXISTS_COLOUR, label=texts.DOC_EXISTS)
    ax.bar(years, [c[1] for c in counts], bottom=exists, color=MISSING_COLOUR,
           label=texts.DOC_MISSING)
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    ax.set_ylabel(texts.TASKS_AXIS)
    ax.set_xticks(years, [str(y) for y in years])
    ax.tick_params(labelbottom=True)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _department_rows(ax: Axes, overview: RiskOverview, departments: list[str]) -> None:
    peak = max(sum(v) for v in overview.timeline.values())
    unit = 0.7 / peak  # the fullest cell fills 70 % of its row, its number the rest
    for row, dept in enumerate(departments):
        cells = [(y, *overview.timeline.get((dept, y), (0, 0))) for y in overview.years]
        base = [row - 0.4] * len(cells)
        exists = [e * unit for _, e, _ in cells]
        ax.bar([y for y, _, _ in cells], exists, bottom=base, color=EXISTS_COLOUR, width=0.6)
        ax.bar([y for y, _, _ in cells], [m * unit for _, _, m in cells], width=0.6,
               bottom=[b + e for b, e in zip(base, exists, strict=True)], color=MISSING_COLOUR)
        for year, exist, missing in cells:
            if exist + missing:
                ax.text(year + 0.34, row - 0.4, str(exist + missing), fontsize=7,
                        va="bottom", ha="left")
        ax.axhline(row - 0.45, color="#dddddd", linewidth=0.6)
    ax.set_yticks(range(len(departments)), [d or texts.NO_DEPARTMENT for d in departments])
    ax.set_ylim(-0.5, len(departments) - 0.5)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)


def departments_svg(rows: Sequence[DepartmentRow], prefix: str = "abt") -> str:
    """Grouped horizontal bars per department: single-holder tasks, tasks without document,
    stale documents, unanswered questions."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    names = [row.name or texts.NO_DEPARTMENT for row in rows][::-1]
    series = [
        (texts.DEPARTMENT_COLUMNS[2], [r.single_holder for r in rows][::-1]),
        (texts.DEPARTMENT_COLUMNS[3], [r.without_document for r in rows][::-1]),
        (texts.DEPARTMENT_COLUMNS[4], [r.stale_documents for r in rows][::-1]),
        (texts.DEPARTMENT_COLUMNS[5], [r.unanswered for r in rows][::-1]),
    ]
    height = 0.8 / len(series)
    with rc_context(_STYLE):
        figure = Figure(figsize=(9, 0.9 + 0.55 * max(len(rows), 1)), layout="constrained")
        ax = figure.subplots()
        for n, (label, values) in enumerate(series):
            offsets = [i + (len(series) - 1 - n - 1.5) * height for i in range(len(names))]
            ax.barh(offsets, values, height=height, color=SERIES_COLOURS[n], label=label)
        ax.set_yticks(range(len(names)), names)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        figure.legend(loc="outside upper center", ncols=4, frameon=False)
        return _svg(figure, prefix)


def _svg(figure: Figure, prefix: str) -> str:
    """The figure as an ``<svg>`` element for inlining: no XML prolog, no metadata, no
    comments (matplotlib repeats every label in one), ids prefixed (and every reference)."""
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>|<!--.*?-->", "", text, flags=re.S)
    for old in sorted(set(_ID.findall(text)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        text = (text.replace(f'id="{old}"', f'id="{new}"')
                .replace(f'href="#{old}"', f'href="#{new}"')
                .replace(f"url(#{old})", f"url(#{new})"))
    return text.replace("<svg ", f'<svg role="img" class="chart" data-chart="{prefix}" ', 1)
