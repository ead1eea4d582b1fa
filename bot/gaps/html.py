"""The knowledge-risk overview as one self-contained HTML page: inline CSS, inline SVG charts,
no script, no external file, so it can be mailed, archived or opened offline."""

from __future__ import annotations

from html import escape

from bot.gaps.charts import departments_svg, timeline_svg
from bot.gaps.overview import RiskOverview
from bot.gaps.risk import LEAVING, TaskRisk, next_step
from bot.texts import risk as texts

_CSS = """
body{font-family:system-ui,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;
max-width:70rem;padding:0 1rem;color:#1b1b1b;line-height:1.4}
h1{margin-bottom:.2rem}.stand{color:#555;margin-top:0}
section{margin:2rem 0}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right}
svg.chart{width:100%;max-width:100%;height:auto}ul.notes li{margin:.2rem 0}
.score{font-weight:bold}details{margin-top:.5rem}
"""


def render_html(overview: RiskOverview) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(texts.TITLE)} – {escape(overview.scope)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(texts.TITLE)}</h1>",
        f'<p class="stand">{escape(texts.heading(overview.today, overview.scope))}</p>',
        f"<p>{escape(texts.SUBTITLE)}</p>",
        _timeline(overview),
        _departments(overview),
        _top(overview),
        _notes(overview),
        _score_explained(),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _timeline(overview: RiskOverview) -> str:
    head = f'<section id="zeitstrahl"><h2>{escape(texts.TIMELINE_TITLE)}</h2>'
    hint = f"<p>{escape(texts.TIMELINE_HINT)}</p>"
    if not overview.timeline:
        return f"{head}{hint}<p>{escape(texts.TIMELINE_EMPTY)}</p></section>"
    years = overview.years
    header = "".join(f"<th>{y}</th>" for y in years)
    rows = []
    for dept in sorted({d for d, _ in overview.timeline}):
        cells = "".join(_pair(overview.timeline.get((dept, y), (0, 0))) for y in years)
        rows.append(f"<tr><th>{escape(dept or texts.NO_DEPARTMENT)}</th>{cells}</tr>")
    table = (f"<details><summary>{escape(texts.DOC_EXISTS)} / {escape(texts.DOC_MISSING)}"
             f"</summary><table><tr><th></th>{header}</tr>{''.join(rows)}</table></details>")
    return f"{head}{hint}{timeline_svg(overview)}{table}</section>"


def _pair(counts: tuple[int, int]) -> str:
    return f'<td class="num">{counts[0]} / {counts[1]}</td>' if any(counts) else "<td></td>"


def _departments(overview: RiskOverview) -> str:
    head = f'<section id="abteilungen"><h2>{escape(texts.DEPARTMENTS_TITLE)}</h2>'
    if not overview.departments:
        return f"{head}<p>{escape(texts.TOP_EMPTY)}</p></section>"
    header = "".join(f"<th>{escape(c)}</th>" for c in texts.DEPARTMENT_COLUMNS)
    rows = []
    for row in overview.departments:
        numbers = (row.tasks, row.single_holder, row.without_document, row.stale_documents,
                   row.unanswered)
        cells = "".join(f'<td class="num">{n}</td>' for n in numbers)
        rows.append(f"<tr><th>{escape(row.name or texts.NO_DEPARTMENT)}</th>{cells}</tr>")
    table = f'<table id="abteilungen-tabelle"><tr>{header}</tr>{"".join(rows)}</table>'
    return f"{head}{departments_svg(overview.departments)}{table}</section>"


def _top(overview: RiskOverview) -> str:
    head = f'<section id="top"><h2>{escape(texts.TOP_TITLE)}</h2>'
    if not overview.top:
        return f"{head}<p>{escape(texts.TOP_EMPTY)}</p></section>"
    header = "".join(f"<th>{escape(c)}</th>" for c in texts.TOP_COLUMNS)
    rows = [_top_row(n, risk) for n, risk in enumerate(overview.top, start=1)]
    return f'{head}<table id="top15"><tr>{header}</tr>{"".join(rows)}</table></section>'


def _top_row(rank: int, risk: TaskRisk) -> str:
    holder = risk.holder.name if risk.holder else texts.NOBODY
    year_only = bool(risk.holder and risk.holder.planned_year_only
                     and risk.leaves_on == risk.holder.planned_leaving)
    leaving = texts.leaving_label(risk.leaves_on, year_only)
    step = texts.STEPS[next_step(risk)].format(holder=holder)
    cells = [str(rank), risk.task.name, risk.department or texts.NO_DEPARTMENT, holder, leaving]
    row = "".join(f"<td>{escape(c)}</td>" for c in cells)
    return (f"<tr>{row}<td class=\"num score\">{risk.score}</td>"
            f"<td>{escape(reasons(risk))}</td><td>{escape(step)}</td></tr>")


def reasons(risk: TaskRisk) -> str:
    """'scheidet 2028 aus (35), keine anwesende Vertretung (25)'."""
    year = risk.leaves_on.year if risk.leaves_on and risk.applies(LEAVING) else ""
    return ", ".join(
        f"{texts.RULE_LABELS[rule].format(year=year, asked=risk.asked, unanswered=risk.unanswered)}"
        f" ({points})" for rule, points in risk.points
    )


def _notes(overview: RiskOverview) -> str:
    parts = []
    if overview.skipped:
        items = "".join(f"<li>{escape(s)}</li>" for s in overview.skipped)
        parts.append(f'<section id="hinweise"><h2>{escape(texts.SKIPPED_TITLE)}</h2>'
                     f'<ul class="notes">{items}</ul></section>')
    if overview.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in overview.problems)
        parts.append(f'<section id="datenfehler"><h2>{escape(texts.PROBLEMS_TITLE)}</h2>'
                     f'<ul class="notes">{items}</ul></section>')
    return "\n".join(parts)


def _score_explained() -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in texts.SCORE_LINES)
    return (f'<section id="punkte"><h2>{escape(texts.SCORE_TITLE)}</h2><ul>{items}</ul>'
            "</section>")
