"""The HTML season report and the per-week table it is drawn from.

Plans come from the real solver (checked by the validator, see conftest.checked); the page
is inspected as text, through the standard library's HTML parser, and rendered in headless
Chromium to check that the season is actually laid out on screen.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MONDAY, checked, day, make_athlete, run

from runstrength.domain import BALANCED, Plan, RunKind
from runstrength.exporters.common import ordered_sessions
from runstrength.exporters.report import plan_to_html
from runstrength.exporters.table import (
    WEEK_COLUMNS,
    plan_penalty_rows,
    plan_to_week_frame,
    plan_week_rows,
)

HOSTILE_NAME = '<script>alert("x")</script> Zoë & "Co"'
HOSTILE_TITLE = "Run: 6×800 <img src=x onerror=alert(1)> & 'jog'"
RACE_DAY = day(6 * 7 + 6)  # Sunday of week 7
WEEKS = 7


def _season_runs() -> list:
    runs = []
    for w in range(WEEKS):
        monday = MONDAY + dt.timedelta(weeks=w)
        runs += [run(day(1, monday), RunKind.INTERVALS), run(day(3, monday), RunKind.EASY),
                 run(day(5, monday), RunKind.LONG, at="08:00", minutes=120)]
    # A hostile title on one run: the page must show it as text.
    runs[0] = runs[0].model_copy(update={"title": HOSTILE_TITLE})
    return runs


@pytest.fixture(scope="module")
def season_plan() -> Plan:
    """Seven weeks towards a 10K A race, runner free every day: phases, deloads, a race."""
    athlete = make_athlete(
        name=HOSTILE_NAME,
        races=[{"date": RACE_DAY.isoformat(), "distance": "10k", "priority": "A",
                "name": "Riverside <10K> & fun"}],
    )
    return checked(_season_runs(), athlete, start=MONDAY, end=RACE_DAY)


@pytest.fixture(scope="module")
def short_plan() -> Plan:
    """Free on Wednesday evenings only: base weeks need two sessions, so every week is short."""
    athlete = make_athlete(availability={"wed": ["18:00-20:00"]})
    runs = [run(day(1, MONDAY + dt.timedelta(weeks=w)), RunKind.INTERVALS) for w in range(3)]
    result = checked(runs, athlete, start=MONDAY, end=day(20))
    assert result.shortfalls, "the one-evening athlete should come up short"
    return result


# -- a small DOM of start tags ----------------------------------------------------------------


class _Tags(HTMLParser):
    """Start tags with their attributes, and the text inside each element with a class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def tags(page: bytes) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(page.decode("utf-8"))
    parser.close()
    return parser.tags


def with_class(page: bytes, cls: str, tag: str | None = None) -> list[dict[str, str]]:
    return [a for t, a in tags(page)
            if cls in a.get("class", "").split() and (tag is None or t == tag)]


# -- content ----------------------------------------------------------------------------------


def test_user_text_is_escaped(season_plan: Plan) -> None:
    """Athlete name, run title and race name appear escaped, never as live markup."""
    page = plan_to_html(season_plan).decode("utf-8")
    assert "<script>alert" not in page
    assert "<img" not in page and "onerror=alert(1)>" not in page
    assert "<10K>" not in page
    assert html.escape(HOSTILE_NAME) in page
    assert html.escape(" ".join(HOSTILE_TITLE.split())) in page
    assert html.escape("Riverside <10K> & fun") in page
    # The only script is the page's own inline one.
    assert page.count("<script") == 1


def test_same_plan_same_bytes(season_plan: Plan) -> None:
    """Deterministic: twice the same bytes, also with sessions and runs listed in another order."""
    first = plan_to_html(season_plan)
    shuffled = season_plan.model_copy(update={"sessions": season_plan.sessions[::-1],
                                              "runs": season_plan.runs[::-1]})
    assert first == plan_to_html(season_plan) == plan_to_html(shuffled)
    assert first.startswith(b"<!DOCTYPE html>")
    first.decode("utf-8")  # valid UTF-8


def test_self_contained(season_plan: Plan) -> None:
    """Nothing is fetched: no URLs, no external stylesheet, script, image or font."""
    page = plan_to_html(season_plan).decode("utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"\b(?:ftp|wss?|file|data):", page, re.I)
    assert not re.search(r"""=\s*["']?//""", page)  # protocol-relative addresses
    lowered = page.lower()
    for needle in ("<link", "<script src", "<img", "<iframe", "<object", "<embed", "@import",
                   "url(", "@font-face"):
        assert needle not in lowered, needle
    for tag, attrs in tags(page.encode()):
        assert "src" not in attrs, (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith("#"), attrs


def test_header(season_plan: Plan) -> None:
    page = plan_to_html(season_plan).decode("utf-8")
    assert 'id="solver-status">' + season_plan.status.value in page
    strength = sum(not s.add_on for s in season_plan.sessions)
    assert f'data-count="sessions"><b>{strength}</b>' in page
    assert f'data-count="add-ons"><b>{len(season_plan.sessions) - strength}</b>' in page
    assert f'data-count="weeks"><b>{len(season_plan.weeks)}</b>' in page
    assert "1 Mar 2027" in page and f"{RACE_DAY.day} {RACE_DAY:%b %Y}" in page
    assert "recreational" in page


def test_every_week_session_run_and_race_appears(season_plan: Plan) -> None:
    page = plan_to_html(season_plan)
    weeks = with_class(page, "week", "tr")
    assert [int(a["data-week"]) for a in weeks] == [w.index for w in season_plan.weeks]
    assert [a["data-phase"] for a in weeks] == [w.phase.value for w in season_plan.weeks]
    assert {a["data-phase"] for a in weeks} >= {"race-week"}
    sessions = with_class(page, "session")
    assert sorted(a["data-uid"] for a in sessions) == sorted(
        uid for uid, _ in ordered_sessions(season_plan))
    text = page.decode("utf-8")
    for s in season_plan.sessions:
        assert f"{s.start:%H:%M}–{s.end:%H:%M}" in text
        assert html.escape(s.title) in text
        for p in s.exercises:
            instead = f" (instead of {p.substitutes})" if p.substitutes else ""
            assert html.escape(f"{p.exercise.name}{instead}: {p.dose_text()}") in text
            assert html.escape(p.effort or p.load) in text
        if s.reason:
            assert html.escape(s.reason) in text
    runs = with_class(page, "run")
    assert len(runs) == len(season_plan.runs)
    key = [a["data-kind"] for a in runs if "key" in a["class"].split()]
    assert sorted(key) == sorted(r.kind.value for r in season_plan.runs
                                 if r.kind in (RunKind.INTERVALS, RunKind.LONG))
    races = with_class(page, "race")
    assert [a["data-date"] for a in races] == [RACE_DAY.isoformat()]
    # The race sits in its own day cell.
    cell = re.search(rf'data-date="{RACE_DAY.isoformat()}">(.*?)</td>', text, re.S)
    assert cell and 'class="race"' in cell.group(1)


def test_days_outside_the_season_are_greyed() -> None:
    """A season starting on a Wednesday: Monday and Tuesday of week 1 are outside it."""
    athlete = make_athlete()
    result = checked([run(day(3), RunKind.EASY)], athlete, start=day(2), end=day(6))
    page = plan_to_html(result).decode("utf-8")
    assert f'class="day out" data-date="{day(0).isoformat()}"' in page
    assert f'class="day out" data-date="{day(1).isoformat()}"' in page
    assert f'class="day" data-date="{day(2).isoformat()}"' in page


def test_own_sessions_shown_and_counted() -> None:
    """The athlete's own gym session is on its day, its title escaped, and the week says how
    many of the phase's sessions are theirs."""
    from test_own_sessions import own, planned

    result = planned([run(day(1), RunKind.EASY)], [own(day(3), "Gym <legs>")])
    page = plan_to_html(result).decode("utf-8")
    assert "your own: Gym &lt;legs&gt;" in page and "heavy legs" in page
    assert re.search(r"\d sessions? \+ 1 of your own \(min 2, max 3\)", page)


def test_blackout_days_marked() -> None:
    athlete = make_athlete(blackouts=[{"start": day(2).isoformat(), "end": day(3).isoformat(),
                                       "reason": "trip <Paris>"}])
    result = checked([run(day(1), RunKind.EASY)], athlete)
    page = plan_to_html(result).decode("utf-8")
    for offset in (2, 3):
        assert f'class="day blackout" data-date="{day(offset).isoformat()}"' in page
    assert page.count("Blackout: trip &lt;Paris&gt;") == 2
    assert not any(s.day in (day(2), day(3)) for s in result.sessions)


def test_retest_and_emphasis_marked(season_plan: Plan) -> None:
    """A re-test session carries the re-test class and tag; a week's emphasis is printed."""
    first = next(s for s in season_plan.sessions if not s.retest)
    weeks = [w.model_copy(update={"emphasis": "strength & power"}) if w.index == first.week
             else w for w in season_plan.weeks]
    plan = season_plan.model_copy(update={
        "sessions": [s.model_copy(update={"retest": True}) if s is first else s
                     for s in season_plan.sessions],
        "weeks": weeks,
    })
    page = plan_to_html(plan)
    retest = [a for a in with_class(page, "session") if "retest" in a["class"].split()]
    assert len(retest) == sum(s.retest for s in plan.sessions) >= 1
    text = page.decode("utf-8")
    assert ">re-test</span>" in text
    assert '<span class="emphasis">strength &amp; power</span>' in text


def test_shortfall_weeks_highlighted_with_fixes(short_plan: Plan) -> None:
    fixes = ["free up Tuesday <evening> too", "move the intervals to Thursday"]
    plan = short_plan.model_copy(update={
        "shortfalls": [sf.model_copy(update={"fixes": fixes}) for sf in short_plan.shortfalls],
    })
    short_weeks = {sf.week for sf in plan.shortfalls}
    page = plan_to_html(plan)
    text = page.decode("utf-8")
    for attrs in with_class(page, "week", "tr"):
        assert ("short" in attrs["class"].split()) == (int(attrs["data-week"]) in short_weeks)
    notes = with_class(page, "shortfall", "tr")
    assert sorted(int(a["data-week"]) for a in notes) == sorted(short_weeks)
    for sf in plan.shortfalls:
        # The message without its fixes, which follow as a list.
        assert html.escape(sf.model_copy(update={"fixes": []}).message()) in text
    for fix in fixes:
        assert f"<li>{html.escape(fix)}</li>" in text
    assert text.count('<ul class="fixes">') == len(plan.shortfalls)
    assert re.search(rf'data-count="weeks-short"[^>]*><b>{len(short_weeks)}</b>', text)
    # Without fixes, the message still shows and no empty list is drawn.
    bare = plan_to_html(short_plan).decode("utf-8")
    assert bare.count('<ul class="fixes">') == sum(1 for sf in short_plan.shortfalls if sf.fixes)
    for sf in short_plan.shortfalls:
        assert html.escape(sf.model_copy(update={"fixes": []}).message()) in bare
        for fix in sf.fixes:
            assert f"<li>{html.escape(fix)}</li>" in bare


# -- the week table ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["season_plan", "short_plan"])
def test_week_frame_matches_plan(which: str, request: pytest.FixtureRequest) -> None:
    plan: Plan = request.getfixturevalue(which)
    frame = plan_to_week_frame(plan)
    rows = plan_week_rows(plan)
    assert list(frame.columns) == list(WEEK_COLUMNS)
    assert all(list(r) == list(WEEK_COLUMNS) for r in rows)
    assert frame.to_dict(orient="records") == rows
    assert frame["week"].tolist() == [w.index for w in plan.weeks]
    assert frame["monday"].tolist() == [w.monday.isoformat() for w in plan.weeks]
    assert frame["phase"].tolist() == [w.phase.value for w in plan.weeks]
    for c in BALANCED:
        assert frame[f"{c}_sets"].sum() == sum(s.volume.get(c, 0) for s in plan.sessions)
        for w, row in zip(plan.weeks, rows, strict=True):
            assert row[f"{c}_sets"] == sum(s.volume.get(c, 0) for s in plan.sessions
                                           if s.week == w.index)
            assert row[f"{c}_target"] == w.targets.get(c, 0)
    assert frame["sessions"].sum() == sum(not s.add_on for s in plan.sessions)
    assert frame["add_ons"].sum() == sum(s.add_on for s in plan.sessions)
    assert frame["minutes"].sum() == sum(s.minutes for s in plan.sessions)
    assert frame["contacts"].sum() == sum(s.contacts for s in plan.sessions)
    for w, row in zip(plan.weeks, rows, strict=True):
        here = [s for s in plan.sessions if s.week == w.index]
        assert row["core_days"] == len({s.day for s in here if any(
            p.exercise.category == "core" for p in s.exercises)})
        assert row["calf_sessions"] == sum(any("calf-ankle" in p.exercise.patterns
                                               for p in s.exercises) for s in here)
    assert frame["penalty"].sum() == sum(p.cost for p in plan.penalties)
    assert set(frame.loc[frame["short"], "week"]) == {sf.week for sf in plan.shortfalls}
    assert frame["deload"].dtype == bool and frame["short"].dtype == bool
    assert frame["sessions"].dtype == "int64" and frame["penalty"].dtype == "int64"


def test_week_race_column(season_plan: Plan) -> None:
    rows = plan_week_rows(season_plan)
    assert [r["race"] for r in rows] == [""] * (WEEKS - 1) + ["Riverside <10K> & fun"]


def test_penalty_rows_sum_by_rule_and_week(season_plan: Plan) -> None:
    rows = plan_penalty_rows(season_plan)
    keys = [(r["rule"], r["week"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert rows == season_plan.penalty_breakdown()
    assert sum(r["cost"] for r in rows) == sum(p.cost for p in season_plan.penalties)
    for r in rows:
        assert r["cost"] == sum(p.cost for p in season_plan.penalties
                                if (p.rule, p.week) == (r["rule"], r["week"]))
    page = plan_to_html(season_plan)
    shown = [(a["data-rule"], int(a["data-week"])) for t, a in tags(page)
             if t == "tr" and "data-rule" in a]
    assert shown == keys


def test_bars_drawn_from_week_rows(season_plan: Plan) -> None:
    """Each bar segment carries the week row's set count; targets get a marker."""
    page = plan_to_html(season_plan)
    bars = {(a["data-week"], a["class"].split()[1]): int(a["data-sets"])
            for a in with_class(page, "bar", "rect")}
    for row in plan_week_rows(season_plan):
        for c in BALANCED:
            assert bars.get((str(row["week"]), c.value), 0) == row[f"{c}_sets"]
    totals = [a["data-week"] for a in with_class(page, "target-total", "line")]
    assert totals == [str(r["week"]) for r in plan_week_rows(season_plan)
                      if any(r[f"{c}_target"] for c in BALANCED)]


def test_empty_plan_renders() -> None:
    """No sessions, no penalties: still a complete page."""
    athlete = make_athlete(availability={})
    result = checked([run(day(1), RunKind.EASY)], athlete)
    page = plan_to_html(result).decode("utf-8")
    assert with_class(page.encode(), "week", "tr")
    assert not with_class(page.encode(), "session")
    assert page.rstrip().endswith("</html>")


# -- in a browser -----------------------------------------------------------------------------

_PROBE = """
<pre id="render-check"></pre>
<script>
window.addEventListener('load', function () {
  function shown(el) {
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  var bars = {};
  all('svg.bars rect.bar').forEach(function (r) {
    var w = r.getAttribute('data-week');
    bars[w] = (bars[w] || 0) + r.getBoundingClientRect().width;
  });
  var scroller = document.querySelector('#calendar .scroll');
  var out = {
    title: document.title,
    weeks: all('tr.week').filter(shown).map(function (e) { return +e.dataset.week; }),
    sessions: all('.session').filter(shown).map(function (e) { return e.dataset.uid; }),
    runs: all('.run').filter(shown).length,
    races: all('.race').filter(shown).length,
    shortfalls: all('tr.shortfall').filter(shown).map(function (e) { return +e.dataset.week; }),
    bars: bars,
    svg: shown(document.querySelector('svg.bars')),
    penalties: all('table.penalties tbody tr').filter(shown).length,
    pageWidth: document.documentElement.scrollWidth,
    viewWidth: window.innerWidth,
    calendarScrolls: scroller.scrollWidth > scroller.clientWidth + 1
  };
  document.getElementById('render-check').textContent = JSON.stringify(out);
});
</script>
"""


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "Chromium not installed (apt-get install chromium)"
    if os.environ.get("RUNSTRENGTH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, but RUNSTRENGTH_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def _browse(page: Path, tmp: Path, *extra: str, size: str = "1400,2000") -> str:
    """Run headless Chromium on ``page`` with no network and return its stdout."""
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--mute-audio",
        f"--user-data-dir={tmp / 'profile'}", f"--window-size={size}",
        "--virtual-time-budget=5000", *extra, page.as_uri(),
    ]
    env = {**os.environ, "HOME": str(tmp)}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env,
                              cwd=tmp)
    except subprocess.TimeoutExpired:
        pytest.fail("Chromium did not finish within 60 s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _render_check(plan: Plan, tmp: Path, size: str = "1400,2000") -> dict:
    page = plan_to_html(plan).decode("utf-8")
    probe = tmp / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = _browse(probe, tmp, "--dump-dom", size=size)
    found = re.search(r'<pre id="render-check">(.*?)</pre>', dom, re.S)
    assert found and found.group(1).strip(), "the probe wrote nothing:\n" + dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


def test_browser_shows_the_season(season_plan: Plan, tmp_path: Path) -> None:
    seen = _render_check(season_plan, tmp_path)
    assert seen["title"].startswith("Strength plan")
    assert HOSTILE_NAME in seen["title"]  # shown as text, not run as a script
    assert seen["weeks"] == [w.index for w in season_plan.weeks]
    assert sorted(seen["sessions"]) == sorted(uid for uid, _ in ordered_sessions(season_plan))
    assert seen["runs"] == len(season_plan.runs)
    assert seen["races"] == 1
    assert seen["svg"]
    for row in plan_week_rows(season_plan):
        if any(row[f"{c}_sets"] for c in BALANCED):
            assert seen["bars"].get(str(row["week"]), 0) > 0, row
    assert seen["penalties"] == len(plan_penalty_rows(season_plan))
    assert seen["pageWidth"] <= seen["viewWidth"] + 1  # wide screen: nothing spills over


def test_browser_short_weeks_and_narrow_screen(short_plan: Plan, tmp_path: Path) -> None:
    """On a phone-sized window the calendar scrolls sideways inside its box, not the page."""
    seen = _render_check(short_plan, tmp_path, size="420,900")
    assert seen["weeks"] == [w.index for w in short_plan.weeks]
    assert sorted(seen["shortfalls"]) == sorted(sf.week for sf in short_plan.shortfalls)
    assert len(seen["sessions"]) == len(short_plan.sessions)
    assert seen["calendarScrolls"]
    assert seen["pageWidth"] <= seen["viewWidth"] + 1


def test_browser_screenshot(season_plan: Plan, tmp_path: Path) -> None:
    page = tmp_path / "plan.html"
    page.write_bytes(plan_to_html(season_plan))
    shot = tmp_path / "page.png"
    _browse(page, tmp_path, f"--screenshot={shot}", size="1400,2000")
    assert shot.exists()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 30_000  # a real page, not a blank canvas


def test_busy_time_and_windows_shown_in_their_day_cells() -> None:
    """Busy blocks (clipped to each day) and the athlete's windows explain the placements."""
    from runstrength.domain import BusyBlock

    athlete = make_athlete(availability={"mon": ["18:00-20:00"], "wed": ["06:00-21:00"]})
    start = run(day(2), "easy", at="17:30").start
    busy = [BusyBlock(start=start, end=start + dt.timedelta(hours=2), title="School <pickup>"),
            BusyBlock(start=start + dt.timedelta(days=1, hours=6),
                      end=start + dt.timedelta(days=2, hours=1), title="Night shift")]
    plan = checked([], athlete, busy=busy)
    page = plan_to_html(plan).decode("utf-8")
    cells = dict(re.findall(r'<td class="day[^"]*" data-date="([0-9-]+)">(.*?)</td>', page))
    assert '<span class="time">17:30–19:30</span> School &lt;pickup&gt;' in cells[str(day(2))]
    assert '<span class="time">23:30–…</span> Night shift' in cells[str(day(3))]
    assert '<span class="time">…–18:30</span> Night shift' in cells[str(day(4))]
    assert 'class="avail">free 18:00-20:00<' in cells[str(day(0))]
    assert 'class="avail"' not in cells[str(day(1))]


def test_all_day_busy_ends_at_midnight_and_blackout_days_show_no_windows() -> None:
    from runstrength.domain import BusyBlock

    athlete = make_athlete(blackouts=[{"start": "2027-03-05", "end": "2027-03-05"}])
    zone = run(day(0), "easy").start.tzinfo
    trip = BusyBlock(start=dt.datetime.combine(day(1), dt.time(0), zone),
                     end=dt.datetime.combine(day(3), dt.time(0), zone), title="Trip")
    page = plan_to_html(checked([], athlete, busy=[trip])).decode("utf-8")
    cells = dict(re.findall(r'<td class="day[^"]*" data-date="([0-9-]+)">(.*?)</td>', page))
    trip_div = re.compile(r'<div class="busy"><span class="time">[^<]*</span> Trip</div>')
    assert trip_div.search(cells[str(day(1))]) and trip_div.search(cells[str(day(2))])
    assert not trip_div.search(cells[str(day(3))])
    assert 'class="avail"' in cells[str(day(3))] and 'class="avail"' not in cells[str(day(4))]


def test_report_marks_the_key_runs_the_plan_was_made_with() -> None:
    """The plan records its key run kinds; the report draws those, not a fresh guess."""
    athlete = make_athlete(key_runs=["tempo"])
    plan = checked([run(day(1), "tempo"), run(day(3), "intervals")], athlete)
    assert plan.key_runs == [RunKind.TEMPO]
    runs = {a["data-kind"]: a["class"].split() for a in with_class(plan.to_html(), "run")}
    assert "key" in runs["tempo"] and "key" not in runs["intervals"]
