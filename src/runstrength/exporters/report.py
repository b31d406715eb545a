"""The season report: one self-contained HTML page per plan (``--report plan.html``).

The page needs no network: styles sit in a ``<style>`` element, the weekly volume chart is
inline SVG, and the only script (an "open all exercises" button) is inline and optional —
everything reads the same with scripts off. The bytes depend only on the plan: the
generation time printed is ``plan.stamp``, every list is sorted, and no clock is read.

Every per-week figure (phase, sets placed, targets, penalty) comes from
:func:`runstrength.exporters.table.plan_week_rows`, the rows a notebook gets from
:func:`~runstrength.exporters.table.plan_to_week_frame`, so page and DataFrame agree.

Stable hooks for tests and styling: ``tr.week[data-week][data-phase]``, ``.session``,
``.run`` (``.run.key`` for key runs), ``.race``, ``tr.shortfall[data-week]``,
``svg.bars`` with ``rect.bar.<category>[data-week]``, ``table.penalties``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

from runstrength.domain import (
    BALANCED,
    Category,
    Phase,
    Plan,
    PlannedSession,
    Race,
    RunKind,
    RunWorkout,
)
from runstrength.exporters.common import ordered_sessions, to_local
from runstrength.exporters.table import plan_penalty_rows, plan_week_rows

__all__ = ["plan_to_html"]

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Phase name, band colour and row tint.
PHASE_STYLE: dict[str, tuple[str, str, str]] = {
    Phase.BASE: ("Base", "#4e79a7", "#eef3f9"),
    Phase.BUILD: ("Build", "#3f8f3a", "#eef6ed"),
    Phase.PEAK: ("Peak", "#d9822b", "#fcf2e8"),
    Phase.TAPER: ("Taper", "#8e5ea2", "#f4eef7"),
    Phase.RACE_WEEK: ("Race week", "#c8363a", "#fbecec"),
    Phase.RECOVERY: ("Recovery", "#7a7a7a", "#f2f2f2"),
}
_UNKNOWN_PHASE = ("", "#999999", "#f5f5f5")

#: Colour of each balanced category in the volume chart.
CATEGORY_COLOUR: dict[Category, str] = {
    Category.POSTERIOR: "#3b6ea5",
    Category.UNILATERAL: "#e08a2c",
    Category.CORE: "#2e9d8f",
}
CATEGORY_NAME: dict[Category, str] = {
    Category.POSTERIOR: "Posterior chain",
    Category.UNILATERAL: "Unilateral",
    Category.CORE: "Core",
}

#: The frame every page shares (the season report, the roster and compare pages): colours,
#: page, sections, the counts row and the legend.
PAGE_STYLE = """
:root { --ink: #1f2328; --muted: #5d6670; --line: #d5d9de; --paper: #ffffff;
  --short: #c8363a; --short-bg: #fff1f0; --key: #8a1c1f; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; padding: 1.25rem; color: var(--ink); background: #f6f7f9;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1500px; margin: 0 auto; }
h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
h2 { font-size: 1.2rem; margin: 0 0 .6rem; }
section, header.summary { background: var(--paper); border: 1px solid var(--line);
  border-radius: 8px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
.counts { display: flex; flex-wrap: wrap; gap: .6rem; list-style: none; padding: 0;
  margin: .8rem 0 0; }
.counts li { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .8rem;
  background: #fafbfc; }
.counts b { font-size: 1.25rem; display: block; }
.counts li.bad { border-color: var(--short); background: var(--short-bg); color: var(--short); }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; list-style: none; padding: 0;
  margin: 0 0 .7rem; font-size: .85rem; }
.legend li { display: flex; align-items: center; gap: .35rem; }
.swatch { display: inline-block; width: .95rem; height: .95rem; border-radius: 3px;
  border: 1px solid rgba(0,0,0,.15); }
"""

_STYLE = PAGE_STYLE + """
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
nav.toc { margin-top: .8rem; }
nav.toc a { margin-right: 1rem; color: #2457a6; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; }
table.calendar { width: 100%; min-width: 1120px; table-layout: fixed; }
table.calendar th, table.calendar td { border: 1px solid var(--line); vertical-align: top;
  padding: .3rem .35rem; }
table.calendar thead th { background: #eef0f3; font-weight: 600; text-align: left; }
table.calendar col.week-col { width: 11.5rem; }
th.week-head { position: sticky; left: 0; z-index: 1; text-align: left; font-weight: normal;
  background: var(--tint, #fff); border-left: 7px solid var(--band, #999); }
.week-no { font-weight: 700; font-size: 1rem; }
.week-head .dates { color: var(--muted); font-size: .8rem; }
.week-head div { margin-top: .15rem; }
.tag { display: inline-block; font-size: .72rem; line-height: 1.2; padding: .05rem .35rem;
  border-radius: 3px; border: 1px solid rgba(0,0,0,.15); background: #fff; margin: .05rem .1rem 0 0;
  white-space: nowrap; }
.tag.phase { color: #fff; border-color: transparent; }
.tag.deload { background: #fff7d6; border-color: #d9b400; }
.tag.short { background: var(--short); color: #fff; border-color: var(--short); }
.tag.retest { background: #efe6ff; border-color: #7b4fd1; color: #4b2a8f; }
.tag.key { background: var(--key); color: #fff; border-color: var(--key); }
.tag.heavy { background: #fbe3e3; border-color: #c8363a; }
.tag.moderate { background: #fdf0dc; border-color: #d9822b; }
.tag.light { background: #e4f4e6; border-color: #3f8f3a; }
.tag.none { background: #eef0f3; }
.week-head .meta { font-size: .78rem; color: var(--muted); }
td.day { background: #fff; font-size: .82rem; }
td.day.out { background: repeating-linear-gradient(45deg, #f1f2f4, #f1f2f4 6px, #e9ebee 6px,
  #e9ebee 12px); color: #8a9098; }
td.day.blackout { background: #f3f0f0; }
.date { font-size: .72rem; color: var(--muted); margin-bottom: .15rem; }
.run, .session, .race, .blackout-note { margin: .15rem 0; padding: .15rem .3rem;
  border-radius: 4px; }
.run { border-left: 3px solid #9aa3ad; background: #f4f6f8; }
.own { margin: .15rem 0; padding: .1rem .3rem; border: 1px solid #7a5aa6; border-radius: 3px;
        background: #f3eefa; font-size: .8rem; }
.busy { margin: .15rem 0; padding: .1rem .3rem; border: 1px dashed #b8bec5; border-radius: 3px;
        color: var(--muted); font-size: .85em; }
.avail { margin-top: .2rem; color: #2f7d4f; font-size: .8em; }
.run.key { border-left-color: var(--key); background: #fbeeee; font-weight: 600; }
.run .title { color: var(--muted); font-weight: normal; }
.session { border: 1px solid #9db4d3; background: #edf3fb; }
.session.retest { border-color: #7b4fd1; background: #f5f0ff; }
.session summary { cursor: pointer; }
.session .reason { margin: .25rem 0; color: var(--muted); }
.session ul { margin: .2rem 0 .2rem 1rem; padding: 0; }
.session .sets { font-size: .75rem; color: var(--muted); }
.session .part { margin: .3rem 0 0; font-weight: 600; font-size: .8rem; }
.session .effort, .session .cue { display: block; font-size: .75rem; color: var(--muted); }
.session .cue { font-style: italic; }
.race { background: #c8363a; color: #fff; font-weight: 700; }
.blackout-note { background: #e3dcdc; font-size: .75rem; }
.time { font-variant-numeric: tabular-nums; }
tr.week.short th.week-head { box-shadow: inset 0 0 0 2px var(--short); }
tr.week.short td.day { border-top: 2px solid var(--short); }
tr.shortfall td { background: var(--short-bg); border: 2px solid var(--short); border-top: 0;
  color: #5a1215; font-size: .85rem; }
tr.shortfall ul.fixes { margin: .2rem 0 0 1.2rem; padding: 0; }
tr.shortfall p { margin: .15rem 0; }
svg.bars { width: 100%; max-width: 960px; height: auto; display: block; }
svg.bars text { font: 11px system-ui, Arial, sans-serif; fill: #1f2328; }
svg.bars .axis text { fill: #5d6670; }
svg.bars .short text.label { fill: #c8363a; font-weight: 700; }
table.penalties th, table.penalties td { border-bottom: 1px solid var(--line);
  padding: .25rem .6rem; text-align: left; }
table.penalties td.cost, table.penalties th.cost { text-align: right;
  font-variant-numeric: tabular-nums; }
table.penalties tfoot td { font-weight: 700; border-top: 2px solid var(--ink); }
.note { color: var(--muted); font-size: .85rem; }
button#open-all { margin-bottom: .5rem; }
@media (max-width: 700px) { body { padding: .5rem; } section, header.summary { padding: .7rem; } }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  html { font-size: 11px; }
  body { background: #fff; padding: 0; font-size: 10px; }
  section, header.summary { border: 0; padding: 0; margin-bottom: 6mm; }
  .scroll { overflow: visible; }
  table.calendar { min-width: 0; }
  th.week-head { position: static; }
  tr.week, tr.shortfall, svg.bars g.week-bars { break-inside: avoid; }
  nav.toc, button#open-all { display: none; }
  section.volume, section.penalties { break-before: page; }
}
"""

_SCRIPT = """
(function () {
  var button = document.getElementById('open-all');
  if (!button) return;
  var all = document.querySelectorAll('details.session');
  button.hidden = false;
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-pressed') !== 'true';
    all.forEach(function (d) { d.open = open; });
    button.setAttribute('aria-pressed', open ? 'true' : 'false');
    button.textContent = open ? 'Close all exercises' : 'Open all exercises';
  });
})();
"""


def _roles(text: str, inputs: dict[str, str]) -> str:
    """``text`` with the input files named by their role, longest name first (the page must
    not depend on the path the file was given by)."""
    for name in sorted(inputs, key=len, reverse=True):
        if name:
            text = text.replace(name, inputs[name])
    return text


def _e(value: object) -> str:
    """``value`` as text safe in HTML content and in quoted attributes (no control
    characters: HTML forbids them)."""
    text = str(value)
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)
    return html.escape(text, quote=True)


def _phase_style(phase: str) -> tuple[str, str, str]:
    return PHASE_STYLE.get(phase, _UNKNOWN_PHASE)


def _phase_name(phase: str) -> str:
    return _phase_style(phase)[0] or phase


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _key_kinds(plan: Plan, key_runs: Iterable[RunKind | str] | None) -> set[str]:
    return {str(k) for k in (plan.key_runs if key_runs is None else key_runs)}


class _Report:
    """Builds the page from the plan and its week rows; one instance per page."""

    def __init__(self, plan: Plan, key_kinds: set[str]) -> None:
        self.plan = plan
        self.zone = plan.athlete.zone
        self.key_kinds = key_kinds
        self.rows = plan_week_rows(plan)
        self.penalty_rows = plan_penalty_rows(plan)
        self.shortfalls: dict[int, list[Any]] = {}
        for sf in sorted(plan.shortfalls, key=lambda s: (s.week, s.monday)):
            self.shortfalls.setdefault(sf.week, []).append(sf)
        self.conflicts: dict[int, list[Any]] = {}
        for c in getattr(plan, "conflicts", None) or []:  # diagnoses, when the solver made any
            self.conflicts.setdefault(c.week, []).append(c)
        # Everything shown in a day cell, by local date: (order key, html).
        self.items: dict[dt.date, list[tuple[tuple[Any, ...], str]]] = {}
        self.session_days: set[dt.date] = set()
        self._collect()

    # -- gathering -------------------------------------------------------------------------

    def _add(self, day: dt.date, key: tuple[Any, ...], text: str) -> None:
        self.items.setdefault(day, []).append((key, text))

    def _collect(self) -> None:
        races: dict[tuple[Any, ...], Race] = {}
        for race in self.plan.athlete.races:
            races[(race.date, str(race.distance), str(race.priority), race.name)] = race
        for w in self.plan.weeks:
            if w.race is not None:
                r = w.race
                races[(r.date, str(r.distance), str(r.priority), r.name)] = r
        for n, key in enumerate(sorted(races)):
            self._add(key[0], (0, "", n), self._race(races[key]))
        runs = sorted(
            self.plan.runs,
            key=lambda r: (to_local(r.start, self.zone).astimezone(dt.UTC), str(r.kind), r.title),
        )
        for n, r in enumerate(runs):
            start = to_local(r.start, self.zone)
            self._add(start.date(), (1, start.astimezone(dt.UTC).isoformat(), 0, n), self._run(r))
        for n, o in enumerate(sorted(self.plan.own, key=lambda o: (o.start, o.title))):
            start = to_local(o.start, self.zone)
            legs = "no leg load" if o.leg_load == "none" else f"{o.leg_load} legs"
            counted = "" if o.counts else ", not counted"
            self._add(start.date(), (1, start.astimezone(dt.UTC).isoformat(), 0, len(runs) + n),
                      f'<div class="own"><span class="time">{start:%H:%M}</span> your own: '
                      f'{_e(" ".join(o.title.split()))} <span class="tag">{_e(legs)}'
                      f'{counted}</span></div>')
        for n, (uid, s) in enumerate(ordered_sessions(self.plan)):
            start = to_local(s.start, self.zone)
            self.session_days.add(start.date())
            self._add(start.date(), (1, start.astimezone(dt.UTC).isoformat(), 1, n),
                      self._session(uid, s))
        if not self.rows:
            return
        # Blackout notes only on the calendar's own days (a blackout may span years).
        shown_first = dt.date.fromisoformat(self.rows[0]["monday"])
        shown_last = dt.date.fromisoformat(self.rows[-1]["monday"]) + dt.timedelta(days=6)
        # Busy time, clipped to each shown day: it explains why a session is not earlier.
        busy = sorted(self.plan.busy, key=lambda b: (b.start.astimezone(dt.UTC),
                                                     b.end.astimezone(dt.UTC), b.title))
        for n, b in enumerate(busy):
            start, end = to_local(b.start, self.zone), to_local(b.end, self.zone)
            day = max(start.date(), shown_first)
            last_day = end.date() if end.time() != dt.time(0) else end.date() - dt.timedelta(days=1)
            while day <= min(max(last_day, start.date()), shown_last):
                lo = start if start.date() == day else None
                hi = end if end.date() == day else None
                when = (f"{lo:%H:%M}" if lo else "…") + "–" + (f"{hi:%H:%M}" if hi else "…")
                key = (1, (lo or start).astimezone(dt.UTC).isoformat(), 2, n)
                title = " ".join((b.title or "busy").split())
                self._add(day, key, f'<div class="busy"><span class="time">{when}</span> '
                                    f'{_e(title)}</div>')
                day += dt.timedelta(days=1)
        for n, b in enumerate(sorted(self.plan.athlete.blackouts,
                                     key=lambda b: (b.start, b.end, b.reason))):
            note = "Blackout" + (f": {b.reason}" if b.reason else "")
            day = max(b.start, shown_first)
            while day <= min(b.end, shown_last):
                self._add(day, (0, "", 1000 + n), f'<div class="blackout-note">{_e(note)}</div>')
                day += dt.timedelta(days=1)

    # -- pieces ----------------------------------------------------------------------------

    def _race(self, race: Race) -> str:
        what = f"{race.distance} · {race.priority} race"
        label = race.name or "Race"
        return (f'<div class="race" data-priority="{_e(race.priority)}" '
                f'data-date="{race.date.isoformat()}">Race: {_e(label)} '
                f'<span class="race-kind">({_e(what)})</span></div>')

    def _run(self, r: RunWorkout) -> str:
        start = to_local(r.start, self.zone)
        key = str(r.kind) in self.key_kinds
        classes = "run key" if key else "run"
        time = "all day" if r.all_day else f"{start:%H:%M}"
        title = " ".join(r.title.split())
        if title.lower() in (str(r.kind), f"{r.kind} run"):
            title = ""  # says nothing the kind does not
        tag = ' <span class="tag key">key</span>' if key else ""
        shown = f' <span class="title">{_e(title)}</span>' if title else ""
        return (f'<div class="{classes}" data-kind="{_e(r.kind)}">'
                f'<span class="time">{time}</span> {_e(r.kind)} run{tag}{shown}</div>')

    def _session(self, uid: str, s: PlannedSession) -> str:
        start, end = to_local(s.start, self.zone), to_local(s.end, self.zone)
        classes = "session retest" if s.retest else "session"
        legs = "no leg load" if s.leg_load == "none" else f"{s.leg_load} legs"
        tags = f'<span class="tag {_e(s.leg_load)}">{_e(legs)}</span>'
        if s.retest:
            tags += ' <span class="tag retest">re-test</span>'
        if s.deload:
            tags += ' <span class="tag deload">deload</span>'
        sets = " · ".join(f"{CATEGORY_NAME[c].lower()} {s.volume.get(c, 0)}" for c in BALANCED)
        warm, cool = s.warmup_minutes, s.cooldown_minutes
        length = f"{s.minutes} min"
        if s.warmup or s.cooldown:
            length += (f": warm-up {warm}, main block {max(0, s.minutes - warm - cool)}, "
                       f"cool-down {cool}")
        body = [f'<p class="sets length">{_e(length)}</p>',
                f'<p class="sets">Working sets: {_e(sets)}'
                + (f"; {s.contacts} jump contacts" if s.contacts else "") + "</p>"]
        if s.emphasis:
            body.append(f'<p class="sets">Emphasis: {_e(s.emphasis)}</p>')
        if s.week_load:
            body.append(f'<p class="sets">Load this week: {_e(s.week_load)}</p>')
        if s.reason:
            body.append(f'<p class="reason">{_e(s.reason)}</p>')
        if s.warmup:
            items = "".join(f"<li>{_e(d.line())}</li>" for d in s.warmup)
            body.append(f'<p class="part">Warm-up</p><ul class="warmup">{items}</ul>')
        if s.exercises:
            lines = []
            for p in s.exercises:
                instead = f" (instead of {p.substitutes})" if p.substitutes else ""
                line = f"{p.exercise.name}{instead}: {p.dose_text()}"
                if p.logged:
                    line += f"; {p.logged}"
                effort = p.effort or p.load
                cue = f'<span class="cue">{_e(p.cue)}</span>' if p.cue else ""
                lines.append(f"<li>{_e(line)} <span class=\"effort\">{_e(effort)}</span>"
                             f"{cue}</li>")
            if s.warmup:
                body.append('<p class="part">Main block</p>')
            body.append(f'<ul class="exercises">{"".join(lines)}</ul>')
        if s.cooldown:
            items = "".join(f"<li>{_e(d.line())}</li>" for d in s.cooldown)
            body.append(f'<p class="part">Cool-down</p><ul class="cooldown">{items}</ul>')
        return (
            f'<details class="{classes}" data-uid="{_e(uid)}" data-kind="{_e(s.kind)}" '
            f'data-leg-load="{_e(s.leg_load)}" data-week="{s.week}">'
            f'<summary><span class="time">{start:%H:%M}–{end:%H:%M}</span> '
            f'<span class="name">{_e(s.title)}</span> {tags}</summary>{"".join(body)}</details>'
        )

    # -- sections --------------------------------------------------------------------------

    def header(self) -> str:
        plan, a = self.plan, self.plan.athlete
        who = a.name or a.id or "athlete"
        facts: list[tuple[str, str]] = []
        ident = _e(who)
        if a.name and a.id:
            ident += f' <span class="note">(id {_e(a.id)})</span>'
        facts.append(("Athlete", ident))
        if self.rows:
            first = dt.date.fromisoformat(self.rows[0]["first"])
            last = dt.date.fromisoformat(self.rows[-1]["last"])
            facts.append(("Season", f"{_long_date(first)} – {_long_date(last)} "
                                    f'<span class="note">({len(self.rows)} weeks)</span>'))
        facts.append(("Level", _e(a.level)))
        facts.append(("Time zone", _e(a.timezone)))
        if a.races:
            races = "; ".join(
                f"{_e(r.label)} ({_e(r.distance)}, {_e(r.priority)}) on {_long_date(r.date)}"
                for r in sorted(a.races, key=lambda r: (r.date, r.name))
            )
            facts.append(("Races", races))
        status = _e(plan.status)
        if plan.status == "FEASIBLE":
            status += f" (gap {plan.gap:.1%})"
        facts.append(("Solver", f'<span id="solver-status">{status}</span>'))
        stamp = plan.stamp.astimezone(dt.UTC) if plan.stamp.tzinfo else plan.stamp
        facts.append(("Generated", f'<time datetime="{stamp:%Y-%m-%dT%H:%M:%SZ}">'
                                   f"{stamp:%Y-%m-%d %H:%M} UTC</time>"))
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)

        short = [r["week"] for r in self.rows if r["short"]]
        total_cost = sum(r["cost"] for r in self.penalty_rows)
        counts = [
            ("sessions", sum(not s.add_on for s in plan.sessions), "strength sessions", False),
            ("add-ons", sum(s.add_on for s in plan.sessions), "core & mobility blocks", False),
            ("weeks", len(self.rows), "weeks", False),
            ("weeks-short", len(short), "weeks short", bool(short)),
            ("penalty", total_cost, "penalty cost", False),
        ]
        bad_class = ' class="bad"'
        lis = "".join(
            f'<li data-count="{name}"{bad_class if bad else ""}><b>{n}</b>{label}</li>'
            for name, n, label, bad in counts
        )
        parts = [
            '<header class="summary" id="summary">',
            f"<h1>Strength plan — {_e(who)}</h1>",
            f'<dl class="facts">{dl}</dl>',
            f'<ul class="counts">{lis}</ul>',
        ]
        if short:
            links = ", ".join(f'<a href="#week-{w}">week {w}</a>' for w in short)
            parts.append(f'<p class="note">Short of the minimum: {links}.</p>')
        if plan.warnings:
            items = "".join(f"<li>{_e(_roles(w, plan.inputs))}</li>" for w in plan.warnings)
            parts.append(f'<details class="warnings"><summary>{len(plan.warnings)} '
                         f"warning{'s' if len(plan.warnings) != 1 else ''} from the import"
                         f"</summary><ul>{items}</ul></details>")
        parts.append('<nav class="toc"><a href="#calendar">Calendar</a>'
                     '<a href="#volume">Weekly volume</a><a href="#penalties">Penalties</a></nav>')
        parts.append("</header>")
        return "\n".join(parts)

    def legend(self) -> str:
        items = [
            f'<li><span class="swatch" style="background:{band}"></span>{name}</li>'
            for name, band, _tint in PHASE_STYLE.values()
        ]
        items += [
            '<li><span class="tag key">key</span> key run</li>',
            '<li><span class="swatch" style="background:#edf3fb;border-color:#9db4d3"></span>'
            "strength session</li>",
            '<li><span class="tag retest">re-test</span> end-of-block re-test</li>',
            '<li><span class="tag deload">deload</span> deload week</li>',
            '<li><span class="tag short">short</span> fewer sessions than the minimum</li>',
            '<li><span class="swatch" style="background:#e9ebee"></span>outside the season</li>',
            '<li><span class="busy">busy</span> busy time</li>',
            '<li><span class="avail">free 18:00-20:00</span> your availability</li>',
        ]
        return f'<ul class="legend">{"".join(items)}</ul>'

    def calendar(self) -> str:
        head = "".join(f'<th scope="col">{d}</th>' for d in WEEKDAY_NAMES)
        body = []
        shown: set[dt.date] = set()
        for row in self.rows:
            body.append(self._week_row(row, shown))
            if row["short"] or row["week"] in self.shortfalls or row["week"] in self.conflicts:
                body.append(self._shortfall_row(row))
        parts = [
            '<section class="calendar" id="calendar">',
            "<h2>Calendar</h2>",
            self.legend(),
            '<button type="button" id="open-all" aria-pressed="false" hidden>'
            "Open all exercises</button>",
            '<div class="scroll"><table class="calendar">',
            '<colgroup><col class="week-col">' + '<col class="day-col">' * 7 + "</colgroup>",
            f'<thead><tr><th scope="col">Week</th>{head}</tr></thead>',
            "<tbody>",
            *body,
            "</tbody></table></div>",
        ]
        missing = sorted(d for d in self.session_days if d not in shown)
        if missing:  # sessions on a date no week covers: still listed, never dropped
            parts.append('<h3>Sessions outside the season weeks</h3><div class="orphans">')
            for day in missing:
                parts.extend(text for _key, text in sorted(self.items[day]))
            parts.append("</div>")
        parts.append("</section>")
        return "\n".join(parts)

    def _week_row(self, row: dict[str, Any], shown: set[dt.date]) -> str:
        week, phase = row["week"], row["phase"]
        name, band, tint = _phase_style(phase)
        monday = dt.date.fromisoformat(row["monday"])
        first = dt.date.fromisoformat(row["first"])
        last = dt.date.fromisoformat(row["last"])
        classes = ["week", f"phase-{phase}"]
        if row["deload"]:
            classes.append("deload")
        if row["short"]:
            classes.append("short")
        tags = [f'<span class="tag phase" style="background:{band}">{_e(name or phase)}</span>']
        if row["deload"]:
            tags.append('<span class="tag deload">deload</span>')
        if row["short"]:
            tags.append('<span class="tag short">short</span>')
        meta = [f"block {row['block']} · week {row['block_week']}"]
        if row["emphasis"]:
            meta.insert(0, f'<span class="emphasis">{_e(row["emphasis"])}</span>')
        own = f" + {row['own_sessions']} of your own" if row["own_sessions"] else ""
        placed = (f"{row['sessions']} session{'s' if row['sessions'] != 1 else ''}{own} "
                  f"(min {row['min_sessions']}, max {row['max_sessions']})")
        cells = [
            f'<th scope="row" class="week-head">'
            f'<div><span class="week-no">Week {week}</span> '
            f'<span class="dates">{_short_date(monday)} – '
            f"{_short_date(monday + dt.timedelta(days=6))}</span></div>"
            f'<div>{" ".join(tags)}</div>'
            f'<div class="meta">{" · ".join(meta)}</div>'
            f'<div class="meta placed">{placed}</div></th>'
        ]
        for i in range(7):
            day = monday + dt.timedelta(days=i)
            shown.add(day)
            inside = first <= day <= last
            cls = "day" if inside else "day out"
            if any(b.covers(day) for b in self.plan.athlete.blackouts):
                cls += " blackout"
            label = _short_date(day) if (i == 0 or day.day == 1) else str(day.day)
            content = "".join(text for _key, text in sorted(self.items.get(day, [])))
            blackout = any(b.covers(day) for b in self.plan.athlete.blackouts)
            windows = self.plan.athlete.windows_on(day) if inside and not blackout else []
            if windows:
                content += (f'<div class="avail">free {_e(", ".join(map(str, windows)))}'
                            "</div>")
            cells.append(f'<td class="{cls}" data-date="{day.isoformat()}">'
                         f'<div class="date">{label}</div>{content}</td>')
        style = f"--band:{band};--tint:{tint}"
        return (f'<tr class="{" ".join(classes)}" id="week-{week}" data-week="{week}" '
                f'data-phase="{_e(phase)}" style="{style}">{"".join(cells)}</tr>')

    def _shortfall_row(self, row: dict[str, Any]) -> str:
        week = row["week"]
        parts = []
        for sf in self.shortfalls.get(week, []):
            # The fixes get their own list below, so the one-line message leaves them out.
            message = sf.model_copy(update={"fixes": []}).message()
            parts.append(f'<p class="message"><strong>Short:</strong> {_e(message)}</p>')
            if sf.fixes:
                fixes = "".join(f"<li>{_e(f)}</li>" for f in sf.fixes)
                parts.append(f'<p>What would help:</p><ul class="fixes">{fixes}</ul>')
        for c in self.conflicts.get(week, []):
            parts.append(f'<p class="conflict"><strong>Rules in conflict:</strong> '
                         f"{_e(c.message())}</p>")
        if not parts:
            parts.append(f'<p class="message"><strong>Short:</strong> '
                         f'{row["sessions"] + row["own_sessions"]} of '
                         f'{row["min_sessions"]} sessions</p>')
        return (f'<tr class="shortfall" data-week="{week}"><td colspan="8">'
                f'{"".join(parts)}</td></tr>')

    def volume(self) -> str:
        parts = [
            '<section class="volume" id="volume">',
            "<h2>Weekly volume: working sets placed against targets</h2>",
            "<p>Under each week: the days with core work (the plan aims for three a week in "
            "base and build), the sessions with calf/ankle work (every strength session has "
            "some), and the week's jump contacts.</p>",
        ]
        items = [
            f'<li><span class="swatch" style="background:{CATEGORY_COLOUR[c]}"></span>'
            f"{CATEGORY_NAME[c]}</li>"
            for c in BALANCED
        ]
        items.append('<li><span class="swatch" style="background:#ffffff;border:2px solid #1f2328">'
                     "</span>thin bar: target per category; black tick: total target</li>")
        parts.append(f'<ul class="legend">{"".join(items)}</ul>')
        parts.append(self._bars())
        parts.append("</section>")
        return "\n".join(parts)

    def _bars(self) -> str:
        rows = self.rows
        bar_x, bar_w, text_w = 160, 560, 200
        width = bar_x + bar_w + text_w
        row_h, top = 40, 22
        height = top + row_h * len(rows) + 6
        totals = [max(sum(r[f"{c}_sets"] for c in BALANCED),
                      sum(r[f"{c}_target"] for c in BALANCED)) for r in rows]
        most = max([*totals, 1])
        step = _tick_step(most)
        scale = bar_w / (most if most % step == 0 else (most // step + 1) * step)
        out = [
            f'<svg class="bars" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" '
            'aria-label="Working sets per week by category, with targets">',
            '<g class="axis">',
        ]
        tick = 0
        while tick * scale <= bar_w + 0.01:
            x = bar_x + tick * scale
            out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 4}" '
                       'stroke="#e3e6ea" stroke-width="1"/>')
            out.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle">{tick}</text>')
            tick += step
        out.append("</g>")
        for i, r in enumerate(rows):
            y = top + i * row_h
            week = r["week"]
            cls = "week-bars short" if r["short"] else "week-bars"
            out.append(f'<g class="{cls}" data-week="{week}" data-core-days="{r["core_days"]}" '
                       f'data-calf-sessions="{r["calf_sessions"]}" '
                       f'data-contacts="{r["contacts"]}">')
            monday = dt.date.fromisoformat(r["monday"])
            label = f"W{week} · {_short_date(monday)}"
            if r["deload"]:
                label += " (deload)"
            if i % 2:
                out.append(f'<rect class="stripe" x="0" y="{y}" width="{width}" height="{row_h}" '
                           'fill="#f7f8fa"/>')
            out.append(f'<text class="label" x="4" y="{y + 15}">{_e(label)}</text>')
            out.append(f'<text class="phase" x="4" y="{y + 26}" fill="#5d6670" '
                       f'font-size="9">{_e(_phase_name(r["phase"]))}</text>')
            x = float(bar_x)
            for c in BALANCED:
                n = r[f"{c}_sets"]
                if n <= 0:
                    continue
                w = n * scale
                out.append(
                    f'<rect class="bar {c}" data-week="{week}" data-sets="{n}" x="{x:.1f}" '
                    f'y="{y + 4}" width="{w:.1f}" height="13" fill="{CATEGORY_COLOUR[c]}">'
                    f"<title>Week {week} {CATEGORY_NAME[c].lower()}: {n} sets "
                    f'(target {r[f"{c}_target"]})</title></rect>'
                )
                x += w
            x = float(bar_x)
            for c in BALANCED:
                n = r[f"{c}_target"]
                if n <= 0:
                    continue
                w = n * scale
                out.append(
                    f'<rect class="target {c}" data-week="{week}" data-sets="{n}" x="{x:.1f}" '
                    f'y="{y + 20}" width="{w:.1f}" height="5" fill="{CATEGORY_COLOUR[c]}" '
                    f'fill-opacity="0.45"><title>Week {week} {CATEGORY_NAME[c].lower()} '
                    f"target: {n} sets</title></rect>"
                )
                x += w
            target = sum(r[f"{c}_target"] for c in BALANCED)
            if target:
                tx = bar_x + target * scale
                out.append(f'<line class="target-total" data-week="{week}" x1="{tx:.1f}" '
                           f'y1="{y + 1}" x2="{tx:.1f}" y2="{y + 27}" stroke="#1f2328" '
                           'stroke-width="2"/>')
            placed = sum(r[f"{c}_sets"] for c in BALANCED)
            detail = " ".join(f"{CATEGORY_NAME[c][0]} {r[f'{c}_sets']}/{r[f'{c}_target']}"
                              for c in BALANCED)
            out.append(f'<text class="figures" x="{bar_x + bar_w + 8}" y="{y + 15}">'
                       f"{placed} / {target} sets</text>")
            out.append(f'<text class="figures" x="{bar_x + bar_w + 8}" y="{y + 26}" '
                       f'fill="#5d6670" font-size="9">{_e(detail)}</text>')
            exposures = (f"core on {r['core_days']} day{'s' if r['core_days'] != 1 else ''}"
                         f" · calf/ankle in {r['calf_sessions']}"
                         + (f" · {r['contacts']} jump contacts" if r["contacts"] else ""))
            out.append(f'<text class="exposures" x="{bar_x}" y="{y + 36}" fill="#5d6670" '
                       f'font-size="9">{_e(exposures)}</text>')
            out.append("</g>")
        out.append("</svg>")
        return "\n".join(out)

    def penalties(self) -> str:
        parts = ['<section class="penalties" id="penalties">', "<h2>Penalties paid</h2>"]
        if not self.penalty_rows:
            parts.append('<p class="note">No soft rule was paid for: every wish was met.</p>')
        else:
            parts.append('<p class="note">Soft rules the plan could not fully meet, summed by '
                         "rule and week. Lower is better; cost units are the model's weights.</p>")
            parts.append('<div class="scroll"><table class="penalties"><thead><tr>'
                         '<th scope="col">Rule</th><th scope="col">Week</th>'
                         '<th scope="col" class="cost">Cost</th><th scope="col">Detail</th>'
                         "</tr></thead><tbody>")
            weeks = {r["week"] for r in self.rows}
            for p in self.penalty_rows:
                week = (f'<a href="#week-{p["week"]}">{p["week"]}</a>' if p["week"] in weeks
                        else str(p["week"]))
                parts.append(f'<tr data-rule="{_e(p["rule"])}" data-week="{p["week"]}">'
                             f'<td>{_e(p["rule"])}</td><td>{week}</td>'
                             f'<td class="cost">{p["cost"]}</td><td>{_e(p["detail"])}</td></tr>')
            total = sum(p["cost"] for p in self.penalty_rows)
            parts.append(f'</tbody><tfoot><tr><td colspan="2">Total</td>'
                         f'<td class="cost">{total}</td><td></td></tr></tfoot></table></div>')
        parts.append("</section>")
        return "\n".join(parts)

    def page(self) -> str:
        a = self.plan.athlete
        who = a.name or a.id or "athlete"
        return "\n".join([
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="runstrength">',
            f"<title>Strength plan — {_e(who)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            "<main>",
            self.header(),
            self.calendar(),
            self.volume(),
            self.penalties(),
            "</main>",
            f"<script>{_SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ])


def _tick_step(most: int) -> int:
    """A round axis step giving at most about eight ticks up to ``most``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if most / step <= 8:
            return step
    return 10 ** len(str(most))


def plan_to_html(plan: Plan, *, key_runs: Iterable[RunKind | str] | None = None) -> bytes:
    """The season report as UTF-8 HTML: same plan → same bytes.

    ``key_runs`` lists the run kinds drawn as key runs; by default those the plan was made
    with (``Plan.key_runs``).
    """
    return _Report(plan, _key_kinds(plan, key_runs)).page().encode("utf-8")
