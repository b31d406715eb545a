"""``compare.html``: a what-if comparison on one self-contained page.

One row per scenario, the seasons aligned by date: the week strip of the roster page (phase
colours, sessions placed, short weeks outlined, races marked), the week's working sets as a
small stacked bar under each week, and the difference to ``base`` in words. The measures
table below holds the same figures as ``compare.csv``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from runstrength.compare_measures import COLUMNS, difference
from runstrength.exporters.report import CATEGORY_COLOUR, CATEGORY_NAME, PHASE_STYLE, _e
from runstrength.exporters.roster_page import STYLE, axis, week_strip

if TYPE_CHECKING:
    from runstrength.whatif import Comparison

_MORE = """
.bars { display: flex; gap: 2px; align-items: flex-end; height: 2.2rem; margin-top: 2px; }
.bar { width: 1.35rem; min-width: 1.35rem; display: flex; flex-direction: column-reverse; }
.bar span { display: block; width: 100%; }
td.diff { font-size: .85rem; max-width: 26rem; }
table.measures { border-collapse: collapse; font-size: .85rem; }
table.measures th, table.measures td { border: 1px solid var(--line); padding: .25rem .45rem;
  text-align: left; vertical-align: top; }
table.measures thead th { background: #eef0f3; }
table.measures td { max-width: 22rem; }
"""


def _bars(strip: list[dict], first: dt.date | None, most: int) -> str:
    cells = []
    if first and strip:
        offset = (dt.date.fromisoformat(strip[0]["monday"]) - first).days // 7
        cells += ['<span class="bar"></span>'] * offset
    for w in strip:
        parts = []
        for category, colour in CATEGORY_COLOUR.items():
            n = w.get("sets", {}).get(str(category), 0)
            if n:
                parts.append(f'<span style="height:{2.2 * n / most:.2f}rem;background:{colour}" '
                             f'title="{_e(CATEGORY_NAME[category])}: {n} sets"></span>')
        cells.append(f'<span class="bar" data-week="{w["index"]}">{"".join(parts)}</span>')
    return f'<div class="bars">{"".join(cells)}</div>'


def compare_to_html(comparison: Comparison) -> bytes:
    rows = comparison.measures()
    results = comparison.results
    mondays = [dt.date.fromisoformat(w["monday"]) for r in results for w in r.strip]
    first = min(mondays) if mondays else None
    span = ((max(mondays) - first).days // 7 + 1) if mondays else 0
    most = max([sum(w.get("sets", {}).values()) for r in results for w in r.strip] or [1]) or 1
    athlete = next((r.plan.athlete for r in results if r.plan is not None), None)
    who = _e(athlete.name or athlete.id) if athlete else "the athlete"
    title = f"What if: {len(rows)} race calendars for {who}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{title}</title><style>{STYLE}{_MORE}</style></head><body><main>",
           f"<section><h1>{title}</h1><p>Each row is one scenario, aligned by week; the "
           "first is the inputs as they are.</p></section><section>"]
    out.append('<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{band}"></span>{_e(name)}</li>'
        for name, band, _tint in PHASE_STYLE.values())
        + "".join(f'<li><span class="swatch" style="background:{colour}"></span>'
                  f"{_e(CATEGORY_NAME[c])} sets</li>" for c, colour in CATEGORY_COLOUR.items())
        + "<li>number: sessions; outlined: below the minimum; A/B/C: a race; faded: no runs "
          "in the schedule that week (sessions there ignore the running)</li></ul>")
    out.append('<div class="scroll"><table class="roster"><thead><tr><th>Scenario</th>'
               "<th>Season</th><th>Against base</th></tr></thead><tbody>")
    if first:
        out.append(f"<tr><td></td><td>{axis(first, span)}</td><td></td></tr>")
    for scenario, result, row in zip(comparison.scenarios, results, rows, strict=True):
        name = (f'<td class="athlete"><b>{_e(scenario.name)}</b>'
                f'<span class="id">{_e(scenario.describe())}</span>')
        notes = comparison.notes.get(scenario.name, [])
        if notes:
            name += ('<details class="warnings"><summary>what changed</summary><ul>'
                     + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul></details>")
        name += "</td>"
        if result.failed:
            out.append(f'<tr class="failed" data-scenario="{_e(scenario.name)}">{name}'
                       f'<td colspan="2" class="error">{_e(result.error)}</td></tr>')
            continue
        diff = "—" if row is rows[0] else difference(rows[0], row)
        out.append(f'<tr data-scenario="{_e(scenario.name)}">{name}<td>'
                   f"{week_strip(result.strip, first)}{_bars(result.strip, first, most)}</td>"
                   f'<td class="diff">{_e(diff)}</td></tr>')
    out.append("</tbody></table></div></section><section><h2>Measures</h2>"
               '<div class="scroll"><table class="measures"><thead><tr>'
               + "".join(f"<th>{_e(c)}</th>" for c in COLUMNS) + "</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_e(row[c])}</td>" for c in COLUMNS) + "</tr>")
    out.append("</tbody></table></div></section></main></body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")
