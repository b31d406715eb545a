"""What if: scenario changes, runs that follow the race, the sweep, race-calendar warnings, the
phantom calendar race, the compare command and its outputs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from runstrength import knowledge
from runstrength.cli import main
from runstrength.domain import Distance, Priority, Race, RunKind, RunWorkout
from runstrength.errors import InputError
from runstrength.validate import validate
from runstrength.whatif import (
    Scenario,
    a_race_warnings,
    apply,
    compare,
    follow_runs,
    load_whatif,
    parse_scenario,
    sweep,
)

WHATIF = SCENARIOS / "whatif"
RUNS, PROFILE = WHATIF / "runs.ics", WHATIF / "athlete.toml"
MARATHON = Race(date=dt.date(2027, 4, 25), distance=Distance.MARATHON, priority=Priority.A,
                name="City Marathon")
HALF = Race(date=dt.date(2027, 3, 21), distance=Distance.HALF, priority=Priority.B,
            name="Spring Half")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("whatif") / "out"
    result = CliRunner().invoke(main, ["compare", str(RUNS), "-a", str(PROFILE), "-o", str(out),
                                       "-j", "1"])
    assert result.exit_code == 0, result.output
    return out, result.output


# --- changes ----------------------------------------------------------------------------


def test_a_scenario_parses_every_change() -> None:
    s = parse_scenario("x: move 'City Marathon' 2027-05-16; add 2027-03-14 half B 'Tune-up'; "
                       "drop 2027-03-21; priority 'City Marathon' B; a Tune-up; follow")
    assert s.name == "x" and s.follow
    assert [c.verb for c in s.changes] == ["move", "add", "drop", "priority", "a"]
    assert s.changes[1].distance is Distance.HALF and s.changes[1].name == "Tune-up"


def test_a_bad_change_is_one_clear_error() -> None:
    with pytest.raises(InputError, match="--scenario x: unknown change 'shift'"):
        parse_scenario("x: shift 'City Marathon' 2027-05-16")
    with pytest.raises(InputError, match="'2027-05-32' is not a date"):
        parse_scenario("x: move 'City Marathon' 2027-05-32")
    with pytest.raises(InputError, match="write NAME: CHANGES"):
        parse_scenario("move 'City Marathon' 2027-05-16")


def test_move_add_drop_priority_and_a() -> None:
    races, moved = apply(parse_scenario("x: move 'city marathon' 2027-05-16"),
                         [HALF, MARATHON], "s")
    assert [r.date.isoformat() for r in races] == ["2027-03-21", "2027-05-16"]
    assert moved == [(MARATHON, dt.date(2027, 5, 16))]
    races, _ = apply(parse_scenario("x: add 2027-03-28 10k C Park; drop 'Spring Half'"),
                     [HALF, MARATHON], "s")
    assert [(r.name, r.priority.value) for r in races] == [("Park", "C"), ("City Marathon", "A")]
    races, _ = apply(parse_scenario("x: a 'Spring Half'"), [HALF, MARATHON], "s")
    assert [r.priority.value for r in races] == ["A", "B"]
    races, _ = apply(parse_scenario("x: priority 2027-04-25 B"), [HALF, MARATHON], "s")
    assert races[1].priority is Priority.B


def test_an_unknown_race_names_the_races_there_are() -> None:
    with pytest.raises(InputError, match=r"'Berlin': no such race \(races: Spring Half "
                                         r"\(2027-03-21\), City Marathon \(2027-04-25\)\)"):
        apply(parse_scenario("x: drop Berlin"), [HALF, MARATHON], "s")


def test_runs_of_the_build_follow_the_race_but_another_races_item_stays() -> None:
    def run(day: str, kind=RunKind.EASY) -> RunWorkout:
        start = dt.datetime.fromisoformat(f"{day}T07:00+00:00")
        return RunWorkout(start=start, end=start + dt.timedelta(hours=1), kind=kind)

    runs = [run("2027-03-20"), run("2027-03-21", RunKind.RACE), run("2027-04-25", RunKind.RACE),
            run("2027-05-02")]
    moved, note = follow_runs(runs, MARATHON, dt.date(2027, 5, 16), [HALF, MARATHON])
    assert [r.day.isoformat() for r in moved] == ["2027-04-10", "2027-03-21", "2027-05-16",
                                                  "2027-05-02"]
    assert moved[0].start.weekday() == runs[0].start.weekday()
    assert note.startswith("2 runs of the build toward City Marathon") and "3 weeks later" in note


def test_a_sweep_makes_one_scenario_per_week_on_the_races_weekday() -> None:
    found = sweep("City Marathon", "2027-04-04..2027-05-02", [MARATHON])
    assert [s.name for s in found] == ["2027-04-04", "2027-04-11", "2027-04-18", "2027-04-25",
                                       "2027-05-02"]
    assert all(s.changes[0].date.weekday() == 6 for s in found)
    with pytest.raises(InputError, match=r"write the dates as FIRST\.\.LAST"):
        sweep("City Marathon", "2027-04-04", [MARATHON])


def test_two_a_races_too_close_are_named() -> None:
    k = knowledge.load()
    second = Race(date=dt.date(2027, 5, 16), distance=Distance.HALF, priority=Priority.A,
                  name="Late Half")
    (warning,) = a_race_warnings([MARATHON, second], k)
    assert "City Marathon (2027-04-25) and Late Half (2027-05-16) are 3 weeks apart" in warning
    far = second.model_copy(update={"date": dt.date(2027, 8, 1)})
    assert a_race_warnings([MARATHON, far], k) == []


def test_whatif_toml_reads_scenarios(tmp_path: Path) -> None:
    found = load_whatif(WHATIF / "whatif.toml")
    assert [s.name for s in found] == ["late", "late-stay", "tune-up"]
    assert found[0].follow and not found[1].follow
    bad = tmp_path / "whatif.toml"
    bad.write_text('[[scenario]]\nname = "x"\nruns = "sometimes"\n')
    with pytest.raises(InputError, match=r"whatif.toml: scenario 1: runs: \"follow\" or"):
        load_whatif(bad)


# --- comparing --------------------------------------------------------------------------


def test_compare_plans_base_first_and_each_scenario_passes_the_validator() -> None:
    result = compare(RUNS, PROFILE, [parse_scenario("late: move 'Riverside City Marathon' "
                                                    "2027-05-16; follow")], jobs=1)
    assert list(result.plans) == ["base", "late"]
    k = knowledge.load()
    for name, plan in result.plans.items():
        assert validate(plan, k) == [], name
    late = result.plans["late"]
    assert max(r.date for r in late.athlete.races).isoformat() == "2027-05-16"
    # the feed's marathon item moved with the runs: no race left on the old date
    assert not [r for r in late.runs if r.kind is RunKind.RACE and r.day.isoformat() ==
                "2027-04-25"]
    assert any("moved 3 weeks later" in w for w in result.results[1].warnings)


def test_moving_the_race_leaves_no_phantom_race_on_the_old_date() -> None:
    result = compare(RUNS, PROFILE, [parse_scenario("stay: move 'Riverside City Marathon' "
                                                    "2027-05-16")], jobs=1)
    stay = result.plans["stay"]
    assert [r.date.isoformat() for r in stay.athlete.races] == ["2027-03-21", "2027-05-16"]
    assert not any("races taken from the calendar" in w for w in stay.warnings)
    assert any("have no running data" in w for w in stay.warnings)


def test_jobs_do_not_change_the_plans() -> None:
    scenarios = [parse_scenario("late: move 'Riverside City Marathon' 2027-05-16; follow")]
    one = compare(RUNS, PROFILE, scenarios, jobs=1)
    two = compare(RUNS, PROFILE, scenarios, jobs=2)
    for a, b in zip(one.results, two.results, strict=True):
        assert a.files["ics"] == b.files["ics"]
    assert one.to_csv() == two.to_csv() and one.to_html() == two.to_html()


def test_the_bundled_comparison_writes_its_table_and_page(bundled) -> None:
    out, output = bundled
    assert sorted(p.name for p in out.iterdir()) == [
        "base.ics", "compare.csv", "compare.html", "late-stay.ics", "late.ics", "tune-up.ics"]
    rows = list(csv.DictReader(io.StringIO((out / "compare.csv").read_text())))
    assert [r["scenario"] for r in rows] == ["base", "late", "late-stay", "tune-up"]
    by = {r["scenario"]: r for r in rows}
    assert int(by["late-stay"]["base_weeks"]) == int(by["base"]["base_weeks"]) + 3
    assert by["late"]["taper_start"] == "2027-04-26" and by["base"]["taper_start"] == "2027-04-05"
    assert all(r["status"] == "OPTIMAL" for r in rows)
    assert "late-stay (move 'Riverside City Marathon' 2027-05-16): +3 base weeks" in output
    page = (out / "compare.html").read_text()
    assert page.count('<tr data-scenario="') == 4


def test_compare_page_in_the_browser(bundled, tmp_path: Path) -> None:
    from test_report import _browse

    out, _ = bundled
    dom = _browse(out / "compare.html", tmp_path, "--dump-dom")
    assert "What if: 4 race calendars for Alex Morgan" in dom
    shot = tmp_path / "compare.png"
    _browse(out / "compare.html", tmp_path, f"--screenshot={shot}", size="1400,900")
    assert shot.stat().st_size > 10_000


def test_compare_needs_something_to_compare(tmp_path: Path) -> None:
    profile = tmp_path / "athlete.toml"
    profile.write_text(PROFILE.read_text())
    result = CliRunner().invoke(main, ["compare", str(RUNS), "-a", str(profile), "-o",
                                       str(tmp_path / "o")])
    assert result.exit_code == 1 and "nothing to compare" in result.output


def test_strict_refuses_a_races_too_close(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "compare", str(RUNS), "-a", str(PROFILE), "-o", str(tmp_path / "o"), "--strict",
        "--scenario", "two: add 2027-05-09 half A 'Late Half'"])
    assert result.exit_code == 3
    assert "scenario two: A races Riverside City Marathon (2027-04-25) and Late Half" in \
        result.output


def test_a_sweep_from_the_command_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "compare", str(RUNS), "-a", str(PROFILE), "-o", str(tmp_path / "o"), "-q",
        "--sweep", "Riverside City Marathon", "2027-04-18..2027-05-02", "--follow"])
    assert result.exit_code == 0, result.output
    names = sorted(p.stem for p in (tmp_path / "o").glob("*.ics"))
    assert names == ["2027-04-18", "2027-04-25", "2027-05-02", "base"]


def test_scenario_names_must_be_file_names() -> None:
    with pytest.raises(InputError, match=r"scenario name '\.\./x'"):
        parse_scenario("../x: drop 2027-03-21")
    assert Scenario("base").describe() == "the inputs as they are"


def test_the_api_takes_scenario_texts() -> None:
    import runstrength

    what = runstrength.compare(RUNS, PROFILE, ["late: move 2027-04-25 2027-05-02; follow"],
                               jobs=1)
    assert list(what.plans) == ["base", "late"]
    frame = what.to_frame()
    assert list(frame["scenario"]) == ["base", "late"]


def test_plan_warns_of_a_races_too_close_and_strict_refuses(tmp_path: Path) -> None:
    out = tmp_path / "x.ics"
    args = ["plan", str(RUNS), "-a", str(PROFILE), "-o", str(out), "-q",
            "--race", "2027-05-09:half:A"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "A races Riverside City Marathon (2027-04-25) and half (A)" \
        in result.output
    out.unlink()
    result = CliRunner().invoke(main, [*args, "--strict"])
    assert result.exit_code == 3 and not out.exists()


def test_replace_races_keeps_only_the_given_races(tmp_path: Path) -> None:
    from runstrength.task import read_inputs

    k = knowledge.load()
    given = (Race(date=dt.date(2027, 5, 2), distance=Distance.MARATHON, priority=Priority.A),)
    athlete, _, _ = read_inputs(str(RUNS), str(PROFILE), k, races=given, replace_races=True)
    assert athlete.races == []  # plan() adds the given ones
    athlete, _, _ = read_inputs(str(RUNS), str(PROFILE), k, races=given)
    assert [r.name for r in athlete.races] == ["Spring Half", "Riverside City Marathon"]


def test_base_is_a_reserved_name_and_names_are_case_blind() -> None:
    with pytest.raises(InputError, match="scenario name 'base' is reserved"):
        parse_scenario("base: drop 2027-03-21")
    with pytest.raises(InputError, match="scenario 'late' given twice"):
        compare(RUNS, PROFILE, ["late: drop 2027-03-21", "Late: drop 2027-03-21"], jobs=1)


def test_a_race_left_behind_in_a_moved_build_is_said() -> None:
    result = compare(RUNS, PROFILE, "late: move 'Riverside City Marathon' 2027-05-16; follow",
                     jobs=1)
    assert any(w.startswith("Spring Half (2027-03-21) lies in the build that moved") and
               "move 2027-03-21 2027-04-11" in w for w in result.notes["late"])


def test_races_on_one_day_and_a_b_race_in_recovery_are_warned() -> None:
    from runstrength.periodization import a_race_warnings as warned

    k = knowledge.load()
    same = HALF.model_copy(update={"date": MARATHON.date})
    assert any("2 races on 2027-04-25" in w for w in warned([same, MARATHON], k))
    after = HALF.model_copy(update={"date": dt.date(2027, 5, 9)})
    assert any("inside its" in w and "recovery" in w for w in warned([MARATHON, after], k))


def test_weeks_without_runs_are_counted_and_faded(bundled) -> None:
    out, output = bundled
    rows = {r["scenario"]: r for r in csv.DictReader(io.StringIO(
        (out / "compare.csv").read_text()))}
    assert rows["late-stay"]["weeks_without_runs"] == "3" and rows["base"][
        "weeks_without_runs"] == "0"
    assert "3 more weeks without runs in the schedule" in output
    assert (out / "compare.html").read_text().count('class="wk norun"') == 3


def test_compare_strict_exits_3_and_a_failure_writes_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(main, [
        "compare", str(RUNS), "-a", str(PROFILE), "-o", str(out), "--strict",
        "--scenario", "two: add 2027-05-09 half A"])
    assert result.exit_code == 3 and not out.exists()
    result = CliRunner().invoke(main, ["compare", str(RUNS), "-a", str(PROFILE), "-o", str(out),
                                       "--scenario", "x: drop Berlin"])
    assert result.exit_code == 1 and not out.exists()


def test_compare_never_writes_over_an_input(tmp_path: Path) -> None:
    import shutil

    shutil.copy(RUNS, tmp_path / "runs.ics")
    shutil.copy(PROFILE, tmp_path / "athlete.toml")
    before = (tmp_path / "runs.ics").read_bytes()
    result = CliRunner().invoke(main, [
        "compare", str(tmp_path / "runs.ics"), "-a", str(tmp_path / "athlete.toml"), "-o",
        str(tmp_path), "--force", "--scenario", "runs: drop 'Spring Half'"])
    assert result.exit_code == 1 and "is also an input" in result.output
    assert (tmp_path / "runs.ics").read_bytes() == before


def test_replace_races_offers_no_calendar_race() -> None:
    from runstrength.api import plan

    given = [Race(date=dt.date(2027, 5, 16), distance=Distance.MARATHON, priority=Priority.A)]
    k = knowledge.load()
    from runstrength.task import read_inputs

    athlete, schedule, _ = read_inputs(str(RUNS), str(PROFILE), k, races=given,
                                       replace_races=True)
    result = plan(schedule, athlete, races=given, calendar_races=False)
    assert [r.date.isoformat() for r in result.athlete.races] == ["2027-05-16"]


def test_follow_with_a_move_of_odd_days_keeps_the_race_on_its_new_day() -> None:
    result = compare(RUNS, PROFILE, "odd: move 'Riverside City Marathon' 2027-05-05; follow",
                     jobs=1)
    odd = result.plans["odd"]
    races = [r for r in odd.runs if r.kind is RunKind.RACE]
    assert dt.date(2027, 5, 5) in {r.day for r in races}
    assert not any("races taken from the calendar" in w for w in odd.warnings)
    assert any("the race moved 10 days: the runs by whole weeks" in w
               for w in result.notes["odd"])


def test_following_the_advice_to_move_the_b_race_too_is_not_advised_again() -> None:
    result = compare(RUNS, PROFILE, "both: move 'Riverside City Marathon' 2027-05-16; "
                                    "move 'Spring Half' 2027-04-11; follow", jobs=1)
    assert not any("lies in the build that moved" in w for w in result.notes["both"])


def test_markup_in_user_text_does_not_break_the_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "compare", str(RUNS), "-a", str(PROFILE), "-o", str(tmp_path / "o"),
        "--scenario", "odd: add 2027-03-07 10k C '[/x] [bold]'"])
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output


def test_a_rerun_removes_its_own_stale_calendars(tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["compare", str(RUNS), "-a", str(PROFILE), "-o", str(out), "-q", "--force"]
    assert CliRunner().invoke(main, [*args, "--scenario", "one: drop 'Spring Half'"]
                              ).exit_code == 0
    (out / "mine.ics").write_text("my own")
    assert CliRunner().invoke(main, [*args, "--scenario", "two: drop 'Spring Half'"]
                              ).exit_code == 0
    assert sorted(p.name for p in out.glob("*.ics")) == ["base.ics", "mine.ics", "two.ics"]
