"""Explanations: why each session sits where it does, why a week is short and what would fix it,
which hard rules conflict when a minimum is impossible, and what the plan paid for."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MONDAY, ROOT, SCENARIOS, checked, day, make_athlete, run, strength

from runstrength.cli import main

MARATHON = SCENARIOS / "marathon-trainingpeaks"
RULE_TAG = re.compile(r"\[([a-z0-9-]+(?:, [a-z0-9-]+)*)\]")


def only(**windows) -> dict:
    return {"availability": windows}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def gains(fixes: list[str]) -> list[int]:
    return [int(re.search(r"\(\+(\d+) session", f).group(1)) for f in fixes]


@pytest.fixture(scope="module")
def heavy_only_models(tmp_path_factory) -> Path:
    """Bundled models, except that base weeks offer only heavy-leg strength sessions."""
    folder = tmp_path_factory.mktemp("models") / "models"
    shutil.copytree(ROOT / "models", folder)
    text = (folder / "sessions.toml").read_text(encoding="utf-8")
    for kind in ("full_body_maintenance", "core_stability"):
        at = text.index(f'id = "{kind}"')
        base = text.index("[session.sets.base]", at)
        end = text.index("\n[", base + 1)
        text = text[:base] + text[end + 1:]
    (folder / "sessions.toml").write_text(text, encoding="utf-8")
    return folder


def test_why_here_names_time_window_and_the_nearby_days():
    """A heavy session on Fri says why not Thu (no window) or Sat (the day before the long run)."""
    athlete = make_athlete(**only(mon=["18:00-20:00"], wed=["18:00-20:00"], fri=["18:00-20:00"],
                                  sat=["08:00-10:00"]))
    result = checked([run(day(1), "intervals"), run(day(6), "long", minutes=120),
                      run(day(3), "easy")], athlete)
    heavy = [s for s in strength(result) if s.leg_load.value == "heavy"]
    assert heavy, strength(result)
    fri = next(s for s in heavy if s.day == day(4))
    assert fri.reason.startswith("Fri 05 Mar 18:00-18:45: no run that day")
    assert "at the start of your 18:00-20:00 window" in fri.reason
    assert "Thu: no availability that day [availability]" in fri.reason
    assert "Sat: day before long run (long): no heavy legs [no-heavy-legs-before-key]" in fri.reason


def test_why_here_names_the_soft_rule_that_kept_a_free_day_empty():
    """A free day with a quality run is passed over, and the reason names easy-days."""
    athlete = make_athlete(level="beginner", **only(tue=["18:00-20:00"], wed=["18:00-20:00"],
                                                    thu=["18:00-20:00"]))
    result = checked([run(day(2), "tempo")], athlete)
    assert [f"{s.start:%a}" for s in strength(result)] == ["Tue", "Thu"]
    assert "Wed: tempo run that day, and strength prefers easy days [easy-days]" in \
        strength(result)[0].reason


def test_every_session_of_a_season_explains_itself(tmp_path):
    """On a bundled season each event's description carries its why-here with rule names."""
    out = tmp_path / "s.ics"
    assert invoke("plan", MARATHON / "runs.ics", "--athlete", MARATHON / "athlete.toml",
                  "-o", out).exit_code == 0
    from runstrength.api import plan

    result = plan(MARATHON / "runs.ics", MARATHON / "athlete.toml")
    text = out.read_bytes().decode("utf-8").replace("\r\n ", "")
    for s in result.sessions:
        assert s.reason.startswith(f"{s.start:%a %d %b %H:%M}-{s.end:%H:%M}: ")
        assert RULE_TAG.search(s.reason), s.reason
        assert re.search(r"; (Mon|Tue|Wed|Thu|Fri|Sat|Sun): ", s.reason), s.reason
    assert text.count("Why here: ") == len(result.sessions)


def test_why_short_lists_each_day_and_ranks_fixes_by_gain():
    """Two windows filled by runs: the reasons say so day by day; widening both windows and
    adding a day comes first (+2), single changes after (+1)."""
    athlete = make_athlete(**only(tue=["18:00-19:00"], thu=["18:00-19:00"]))
    result = checked([run(day(1), "easy", at="18:00", minutes=40),
                      run(day(3), "easy", at="18:00", minutes=40)], athlete)
    [sf] = result.shortfalls
    assert (sf.needed, sf.placed) == (2, 0)
    assert "Mon, Wed, Fri, Sat, Sun: no availability that day [availability]" in sf.reasons
    assert any(re.match(r"Tue, Thu: no free \d+-minute slot in your windows", r)
               for r in sf.reasons)
    assert gains(sf.fixes) == sorted(gains(sf.fixes), reverse=True)
    assert gains(sf.fixes)[0] == 2 and "together" in sf.fixes[0]
    assert any(f.startswith("widen Tue's 18:00-19:00 window to 18:00-19:45") for f in sf.fixes)
    assert "fixes: " in sf.message()


def test_diagnosis_obeys_the_deadline(monkeypatch):
    """Regression (issue 10, item 4): the per-week diagnosis ignored --time-limit. Once the
    command's deadline has passed no fix is measured, and the short week says so (its
    day-by-day reasons still come from the data)."""
    from runstrength import stopping

    monkeypatch.setattr(stopping, "expired", lambda: True)
    athlete = make_athlete(**only(tue=["18:00-19:00"], thu=["18:00-19:00"]))
    result = checked([run(day(1), "easy", at="18:00", minutes=40),
                      run(day(3), "easy", at="18:00", minutes=40)], athlete)
    [sf] = result.shortfalls
    assert "Mon, Wed, Fri, Sat, Sun: no availability that day [availability]" in sf.reasons
    assert sf.fixes == ["not every fix was tried: the time limit came first (a longer "
                        "--time-limit tries them all)"]


def test_why_short_suggests_moving_a_key_run(heavy_only_models):
    """With only heavy sessions in base, Mon and Wed sit before intervals: moving Tue's
    intervals is measured to add a session."""
    athlete = make_athlete(**only(mon=["18:00-20:00"], wed=["18:00-20:00"],
                                  fri=["18:00-20:00"]))
    result = checked([run(day(1), "intervals"), run(day(3), "intervals")], athlete,
                     models=heavy_only_models)
    [sf] = result.shortfalls
    assert sf.placed == 1
    assert any(f.startswith("move Tue's intervals run") and f.endswith("(+1 session)")
               for f in sf.fixes), sf.fixes
    assert any("[no-heavy-legs-before-key]" in r for r in sf.reasons)


def test_diagnosis_data_precheck_names_the_week_and_days():
    """One available day cannot hold a minimum of two: the pre-check says so, naming rules."""
    athlete = make_athlete(**only(sat=["08:00-09:00"]))
    result = checked([run(day(6), "long")], athlete, diagnose=True)
    [conflict] = result.conflicts
    assert conflict.check == "data"
    assert conflict.rules == ["phase-min", "availability"]
    assert conflict.week == 1 and conflict.needed == 2
    assert conflict.details[0] == "only Sat can take a strength session (1 of 2 needed)"


def test_diagnosis_assumptions_core_names_contradicting_hard_rules(heavy_only_models):
    """Sat and Sun are free and base weeks offer only heavy sessions: two sessions would sit
    on consecutive days. The solve under assumptions names phase-min, availability and
    heavy-spacing, and nothing that does not take part."""
    athlete = make_athlete(**only(sat=["08:00-10:00"], sun=["08:00-10:00"]))
    result = checked([], athlete, diagnose=True, models=heavy_only_models)
    [conflict] = result.conflicts
    assert conflict.check == "assumptions"
    assert conflict.rules == ["availability", "heavy-spacing", "phase-min"]
    assert "availability: Mon, Tue, Wed, Thu, Fri: no availability that day" in conflict.details
    assert ("heavy-spacing: heavy-leg sessions need 48 h between them; the days left open "
            "(Sat, Sun) are closer than that") in conflict.details


def test_no_diagnosis_unless_asked_and_none_when_the_minimum_is_met():
    athlete = make_athlete(**only(sat=["08:00-09:00"]))
    assert checked([], athlete).conflicts == []
    assert checked([], make_athlete(), diagnose=True).conflicts == []


def test_strict_prints_the_conflict_and_writes_nothing(tmp_path):
    profile = tmp_path / "thin.toml"
    profile.write_text('level = "recreational"\ntimezone = "Europe/London"\n'
                       '[availability]\nwed = ["18:00-19:00"]\n', encoding="utf-8")
    out = tmp_path / "s.ics"
    result = invoke("plan", MARATHON / "runs.ics", "--athlete", profile, "-o", out, "--strict",
                    "--from", MONDAY, "--to", "2027-03-14")
    assert result.exit_code == 3
    assert not out.exists()
    # two weeks with the same cause share one line (issue 9)
    lines = [ln for ln in result.output.splitlines() if ln.startswith("runstrength: conflict: ")]
    assert len(lines) == 1
    assert "weeks 1-2" in lines[0]
    assert "cannot hold 2 sessions each: phase-min + availability" in lines[0]
    short = [ln for ln in result.output.splitlines() if ln.startswith("runstrength: shortfall: ")]
    assert len(short) == 1 and "weeks 1-2" in short[0]


def test_penalty_breakdown_by_rule_and_week():
    """The breakdown sums the paid penalties per rule and week, costliest rule first."""
    from runstrength.api import plan

    result = plan(MARATHON / "runs.ics", MARATHON / "athlete.toml")
    rows = result.penalty_breakdown()
    assert rows
    assert sum(r["cost"] for r in rows) == sum(p.cost for p in result.penalties)
    assert sum(r["times"] for r in rows) == len(result.penalties)
    assert len({(r["rule"], r["week"]) for r in rows}) == len(rows)
    totals = {}
    for r in rows:
        totals[r["rule"]] = totals.get(r["rule"], 0) + r["cost"]
    order = list(dict.fromkeys(r["rule"] for r in rows))
    assert order == sorted(totals, key=lambda rule: -totals[rule])
    weeks = {w.index: w.monday.isoformat() for w in result.weeks}
    assert all(r["monday"] == weeks[r["week"]] for r in rows)


def test_summary_says_what_was_given_up_in_words(tmp_path):
    """Issue 9: the summary says what the plan gave up in words and counts; the objective's
    units (the "paid" column, the table of rules paid) only with --verbose; piped output does
    not wrap at 80 columns."""
    result = invoke("plan", MARATHON / "runs.ics", "--athlete", MARATHON / "athlete.toml",
                    "-o", tmp_path / "s.ics")
    assert "What the plan gave up" in result.output
    assert re.search(r"\d+ week\(s\) (below|above) the \w+ target by \d+(-\d+)? sets",
                     result.output)
    assert "Soft rules paid" not in result.output and "paid" not in result.output.split("\n")[1]
    assert any(len(line) > 80 for line in result.output.splitlines())
    verbose = invoke("plan", MARATHON / "runs.ics", "--athlete", MARATHON / "athlete.toml",
                     "-o", tmp_path / "s.ics", "--force", "--verbose")
    assert "Soft rules paid" in verbose.output and "volume-balance" in verbose.output


def test_explain_command_prints_weeks_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("explain", MARATHON / "runs.ics", "--athlete", MARATHON / "athlete.toml",
                    "--week", "2")
    assert result.exit_code == 0, result.output
    assert "Week 2 " in result.output and "Week 3 " not in result.output
    assert re.search(r"^      (Mon|Tue|Wed|Thu|Fri|Sat|Sun): .*\[", result.output, re.M)
    assert list(tmp_path.iterdir()) == []


def test_explain_command_on_a_thin_profile_shows_fixes_and_conflicts(tmp_path):
    profile = tmp_path / "thin.toml"
    profile.write_text('timezone = "Europe/London"\n[availability]\nwed = ["18:00-19:00"]\n',
                       encoding="utf-8")
    result = invoke("explain", MARATHON / "runs.ics", "--athlete", profile,
                    "--date", "2027-03-03")
    assert result.exit_code == 0, result.output
    assert "short: 1 of 2 sessions" in result.output
    assert "fix 1: add an availability window on" in result.output
    assert "conflict (data): phase-min + availability" in result.output


def test_explain_bad_input_is_one_line(tmp_path):
    result = invoke("explain", tmp_path / "missing.ics", "--athlete", MARATHON / "athlete.toml")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "missing.ics" in result.output


def test_frames_for_notebooks_match_the_plan():
    """to_frame gives sessions, weeks (the report's rows) and the penalty breakdown."""
    from runstrength.api import plan

    result = plan(MARATHON / "runs.ics", MARATHON / "athlete.toml")
    assert len(result.to_frame()) == len(result.sessions)
    weeks = result.to_frame("weeks")
    assert list(weeks["week"]) == [w.index for w in result.weeks]
    assert weeks["sessions"].sum() == len(strength(result))
    assert weeks["penalty"].sum() == sum(p.cost for p in result.penalties)
    paid = result.to_frame("penalties")
    assert paid.to_dict("records") == result.penalty_breakdown()
    with pytest.raises(ValueError, match="'days' is not one of"):
        result.to_frame("days")
    page = result.to_html().decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and result.athlete.name in page


def test_explain_refuses_weeks_and_dates_outside_the_season():
    for args in (("--week", "99"), ("--date", "2030-01-01")):
        result = invoke("explain", MARATHON / "runs.ics", "--athlete", MARATHON / "athlete.toml",
                        *args)
        assert result.exit_code == 1
        assert result.output.startswith(f"runstrength: error: {args[0]} ")
        assert "the season" in result.output and result.output.count("\n") == 1


def test_why_here_names_the_busy_event_that_moved_the_start():
    """Preferred 18:00 is taken by a busy event: the reason says so, not just "closest"."""
    from runstrength.domain import BusyBlock

    athlete = make_athlete(preferences={"time": "18:00"}, **only(wed=["06:00-21:00"]))
    start = run(day(2), "easy", at="17:30", minutes=120).start
    busy = [BusyBlock(start=start, end=start + dt.timedelta(hours=2), title="School pickup")]
    result = checked([], athlete, busy=busy)
    [s] = strength(result)
    assert "not at your preferred 18:00: School pickup 17:30-19:30 takes that time " \
        "[availability]" in s.reason


def test_short_week_fix_cuts_a_blackout_only_as_far_as_needed():
    athlete = make_athlete(blackouts=[{"start": "2027-03-01", "end": "2027-03-07",
                                       "reason": "trip"}])
    result = checked([], athlete)
    [sf] = result.shortfalls
    assert sf.fixes[0] == "end the blackout 2027-03-01..2027-03-07 (trip) on 2027-03-05 " \
        "(+2 sessions)"


def test_fixes_combine_when_no_single_change_is_enough():
    """A blacked-out week whose runs also fill the only windows: neither cutting the blackout
    nor the buffer helps alone; together they do, and the fix says so."""
    athlete = make_athlete(blackouts=[{"start": "2027-03-01", "end": "2027-03-07"}],
                           **only(tue=["18:00-19:30"], thu=["18:00-19:30"]))
    result = checked([run(day(1), "easy", at="18:30", minutes=40),
                      run(day(3), "easy", at="18:30", minutes=40)], athlete)
    [sf] = result.shortfalls
    assert "together" in sf.fixes[0] and "blackout" in sf.fixes[0] \
        and "run_buffer_minutes" in sf.fixes[0]


def test_why_here_for_an_advanced_athlete_lifting_after_a_key_run(heavy_only_models):
    """Hard day hard: an advanced athlete's heavy session on an intervals day says why."""
    athlete = make_athlete(level="advanced", **only(tue=["06:00-21:00"]))
    result = checked([run(day(1), "intervals", at="07:00")], athlete, models=heavy_only_models)
    heavy = [s for s in strength(result) if s.leg_load.value == "heavy"]
    assert heavy and heavy[0].start.hour >= 14
    assert "heavy legs on the day of the intervals run: an advanced athlete may lift 6 h " \
        "after it ends [no-stacking]" in heavy[0].reason


def test_precheck_names_only_the_rules_the_conflict_needs():
    """A blackout over the whole week: the missing windows are beside the point."""
    athlete = make_athlete(blackouts=[{"start": "2027-02-27", "end": "2027-03-09"}],
                           **only(tue=["18:00-20:00"], thu=["18:00-20:00"]))
    result = checked([], athlete, diagnose=True)
    [conflict] = result.conflicts
    assert conflict.check == "data"
    assert conflict.rules == ["phase-min", "blackouts"]


def test_why_here_uses_hours_for_heavy_spacing(heavy_only_models):
    """Two heavy sessions Wed and Fri evening: Thu lies within 48 h of Fri's, so the Wed
    session names heavy-spacing for Thu, not a soft rule."""
    athlete = make_athlete(**only(wed=["18:00-20:00"], thu=["18:00-20:00"],
                                  fri=["18:00-20:00"]))
    result = checked([run(day(3), "tempo", at="07:00")], athlete, models=heavy_only_models)
    assert [f"{s.start:%a}" for s in strength(result)] == ["Wed", "Fri"]
    wed = strength(result)[0]
    assert "Thu: Fri's heavy-leg session would be under 48 h away [heavy-spacing]" in wed.reason


def test_a_soft_rule_the_chosen_day_pays_too_is_not_the_reason():
    """Every free day has a tempo run: easy-days cannot be why one of them was passed over."""
    athlete = make_athlete(level="beginner", **only(mon=["18:00-20:00"], tue=["18:00-20:00"],
                                                    wed=["18:00-20:00"]))
    result = checked([run(day(i), "tempo", at="07:00") for i in range(3)], athlete)
    assert len(strength(result)) == 2
    for s in strength(result):
        assert "[easy-days]" not in s.reason, s.reason
