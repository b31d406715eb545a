"""``roster.html``: one self-contained page for a coach, one row per athlete.

Each row holds the athlete's status and counts and a strip of the season's weeks, aligned by
date across the roster: the phase colour of the season report (``report.PHASE_STYLE``), the
strength sessions placed, and short weeks marked. A row links to the athlete's own report when
one was written (``--report``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from runstrength.exporters.report import PAGE_STYLE, PHASE_STYLE, _e, _phase_name, _phase_style
from runstrength.exporters.shared_page import STYLE as SHARED_STYLE
from runstrength.exporters.shared_page import shared_section

if TYPE_CHECKING:
    from runstrength.roster import RosterResult

STYLE = PAGE_STYLE + """
.scroll { overflow-x: auto; }
table.roster { border-collapse: collapse; width: 100%; }
table.roster th, table.roster td { border-bottom: 1px solid var(--line); padding: .45rem .5rem;
  text-align: left; vertical-align: top; }
table.roster thead th { background: #eef0f3; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.athlete b { display: block; }
.athlete .id { color: var(--muted); font-size: .8rem; }
.status { font-size: .75rem; font-weight: 600; padding: .05rem .4rem; border-radius: 3px;
  white-space: nowrap; }
.status.OPTIMAL { background: #e4f4e6; color: #2d6b29; }
.status.FEASIBLE { background: #fdf0dc; color: #8a4f10; }
.status.FAILED { background: var(--short); color: #fff; }
tr.failed td { background: var(--short-bg); }
.error { color: var(--short); font-size: .85rem; max-width: 60rem; }
.strip { display: flex; gap: 2px; align-items: stretch; padding-top: .55rem; }
.wk { width: 1.35rem; min-width: 1.35rem; height: 1.7rem; border-radius: 3px; color: #fff;
  font-size: .72rem; font-weight: 600; display: flex; align-items: center;
  justify-content: center; }
.wk.gap { background: transparent; }
.wk.norun { opacity: .4; }
.wk { position: relative; }
.wk i.race { position: absolute; top: -.55rem; left: 50%; transform: translateX(-50%);
  font-style: normal; font-size: .6rem; background: #1f2328; color: #fff; border-radius: 2px;
  padding: 0 .15rem; line-height: 1.1; }
.wk.short { outline: 2px solid var(--short); outline-offset: -2px; background-image:
  repeating-linear-gradient(45deg, rgba(255,255,255,.45) 0 3px, transparent 3px 6px); }
.axis { display: flex; gap: 2px; font-size: .68rem; color: var(--muted); margin-bottom: 2px; }
.axis span { width: 1.35rem; min-width: 1.35rem; white-space: nowrap; overflow: visible; }
details.warnings { font-size: .82rem; margin-top: .3rem; color: #6b5200; }
details.warnings li { margin: .15rem 0; }
a { color: #2457a6; }
""" + SHARED_STYLE


def _monday(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def roster_to_html(result: RosterResult) -> bytes:
    """The roster page for ``result`` (same results -> same bytes: no timings on it)."""
    done = list(result)
    planned = [r for r in done if not r.failed]
    failed = [r for r in done if r.failed]
    mondays = [_monday(w["monday"]) for r in planned for w in r.strip]
    first = min(mondays) if mondays else None
    last = max(mondays) if mondays else None
    span = ((last - first).days // 7 + 1) if first and last else 0
    title = f"Roster: {len(done)} athlete{'s' * (len(done) != 1)}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
           f"<section><h1>{_e(title)}</h1>"]
    if first and last:
        out.append(f"<p>Seasons from {first.day} {first:%b %Y} to "
                   f"{(last + dt.timedelta(days=6)).day} "
                   f"{last + dt.timedelta(days=6):%b %Y}, aligned by week.</p>")
    sessions = sum(r.sessions for r in planned)
    short = sum(r.weeks_short for r in planned)
    counts = [("planned", len(planned), False), ("failed", len(failed), bool(failed)),
              ("strength sessions", sessions, False), ("weeks short", short, bool(short))]
    out.append('<ul class="counts">' + "".join(
        f'<li class="{"bad" if bad else ""}"><b>{n}</b>{label}</li>'
        for label, n, bad in counts) + "</ul>")
    if result.stopped:
        out.append('<p class="error">Stopped at the first failure (--fail-fast): the athletes '
                   "not listed were not planned.</p>")
    out.append("</section><section>")
    out.append('<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{band}"></span>{_e(name)}</li>'
        for name, band, _tint in PHASE_STYLE.values())
        + '<li><span class="swatch wk short" style="background:#999"></span>'
          "week below its minimum</li>"
        + "<li>number: strength sessions that week</li>"
          '<li><span class="swatch" style="background:#1f2328"></span>A/B/C: a race that week'
          '</li><li><span class="swatch" style="background:#4e79a7;opacity:.4"></span>faded: '
          "no runs in the schedule that week</li></ul>")
    out.append('<div class="scroll"><table class="roster"><thead><tr><th>Athlete</th>'
               '<th>Status</th><th>Sessions</th><th>Weeks short</th><th>Season</th></tr>'
               "</thead><tbody>")
    if first:
        out.append(f"<tr><td></td><td></td><td></td><td></td><td>{axis(first, span)}</td></tr>")
    for r in done:
        out.append(_row(r, first))
    out.append("</tbody></table></div></section>")
    out.append(shared_section(result))
    out.append("</main></body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _row(r, first: dt.date | None) -> str:
    name = _e(r.name or r.id)
    link = (f'<a href="{_e(r.id)}.html">{name}</a>' if "html" in r.outputs else name)
    who = f'<td class="athlete"><b>{link}</b><span class="id">{_e(r.id)}</span>'
    if r.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in r.warnings)
        who += (f'<details class="warnings"><summary>{len(r.warnings)} warning'
                f'{"s" * (len(r.warnings) != 1)}</summary><ul>{items}</ul></details>')
    who += "</td>"
    status = f'<td><span class="status {_e(r.status)}">{_e(r.status)}</span></td>'
    if r.failed:
        return (f'<tr class="failed" data-athlete="{_e(r.id)}">{who}{status}'
                f'<td colspan="3" class="error">{_e(r.error)}</td></tr>')
    return (f'<tr data-athlete="{_e(r.id)}">{who}{status}<td class="num">{r.sessions}</td>'
            f'<td class="num">{r.weeks_short} of {r.weeks}</td>'
            f'<td>{week_strip(r.strip, first)}</td></tr>')


def week_strip(strip: list[dict], first: dt.date | None) -> str:
    """A season's weeks as coloured cells from ``first`` (the earliest Monday of the page):
    the phase colour, the sessions placed, short weeks outlined, a race's priority on top."""
    cells = []
    if first and strip:
        offset = (_monday(strip[0]["monday"]) - first).days // 7
        cells += ['<span class="wk gap"></span>'] * offset
    for w in strip:
        _, band, _ = _phase_style(w["phase"])
        monday = _monday(w["monday"])
        short = w["placed"] < w["needed"]
        races = w.get("races", [])
        tip = (f"Week {w['index']}, {monday.day} {monday:%b}: {_phase_name(w['phase'])}, "
               f"{w['placed']} session{'s' * (w['placed'] != 1)} (min {w['needed']}, "
               f"max {w['most']})" + (": below the minimum" if short else "")
               + "".join(f"; race {r}" for r in races))
        mark = (f'<i class="race">{_e(races[0].split(":")[0])}</i>' if races else "")
        norun = w.get("runs", 1) == 0
        if norun:
            tip += "; no runs in the schedule this week: sessions ignore the running"
        kind = "wk" + (" short" if short else "") + (" norun" if norun else "")
        cells.append(f'<span class="{kind}" style="background:{band}" '
                     f'title="{_e(tip)}" data-week="{w["index"]}">{mark}{w["placed"]}</span>')
    return f'<div class="strip">{"".join(cells)}</div>'


def axis(first: dt.date, span: int) -> str:
    """Month labels over the strips, every fourth week."""
    labels = []
    for n in range(span):
        monday = first + dt.timedelta(weeks=n)
        labels.append(f"<span>{_e(f'{monday.day} {monday:%b}' if n % 4 == 0 else '')}</span>")
    return f'<div class="axis">{"".join(labels)}</div>'

