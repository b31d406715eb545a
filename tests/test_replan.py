"""Re-plan: the previous calendar read back, sessions kept before --today, moves only where
the new runs need them, logical UIDs, SEQUENCE / LAST-MODIFIED / CANCELLED, feeds, the
done-log's skipped sessions and load cues, and the change list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from conftest import SCENARIOS
from test_cli_options import assert_four_parsers_accept

from runstrength import knowledge
from runstrength.api import plan
from runstrength.cli import main
from runstrength.errors import InputError
from runstrength.replan import read_previous
from runstrength.validate import validate

HERE = SCENARIOS / "replan"
ATHLETE = HERE / "athlete.toml"
TODAY = "2027-02-22"  # Monday of week 7; the flu week (15-21 Feb) is over
EPOCH = {"SOURCE_DATE_EPOCH": "1800000000"}


def run(*args) -> object:
    return CliRunner().invoke(main, ["plan", *map(str, args)], env=EPOCH,
                              catch_exceptions=False)


def first_plan(tmp_path: Path) -> Path:
    out = tmp_path / "plan.ics"
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    return out


def events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def replan(tmp_path: Path, old: Path, *extra, runs: Path = HERE / "runs-moved.csv",
           name: str = "new.ics"):
    out = tmp_path / name
    result = run(runs, "-a", ATHLETE, "-o", out, "--previous", old, "--today", TODAY, *extra)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_nothing_changed_gives_the_same_bytes_and_says_so(tmp_path):
    old = first_plan(tmp_path)
    new, output = replan(tmp_path, old, runs=HERE / "runs.csv")
    assert new.read_bytes() == old.read_bytes()
    assert "No session changed" in output


def test_moved_runs_move_only_the_sessions_they_must_and_keep_their_uids(tmp_path):
    """The intervals go to Wed 24 Feb and the long run to Sat 27 Feb: only week 7 changes;
    the posterior-chain session (Fri, now the day before the long run) moves within its week
    and keeps its UID, with SEQUENCE 1 and LAST-MODIFIED; the rest keep SEQUENCE 0 and their
    DTSTAMP."""
    old = first_plan(tmp_path)
    new, output = replan(tmp_path, old)
    before, after = events(old), events(new)
    assert set(before) == set(after)  # nothing gone, nothing new: moves within their weeks
    moved = {uid for uid in before if before[uid].decoded("DTSTART")
             != after[uid].decoded("DTSTART")}
    weeks = {after[uid].decoded("DTSTART").date() for uid in moved}
    assert moved and all(dt.date(2027, 2, 22) <= d <= dt.date(2027, 2, 28) for d in weeks)
    posterior = [uid for uid in moved if str(after[uid]["X-RUNSTRENGTH-SESSION"])
                 == "posterior_chain"]
    assert len(posterior) == 1
    uid = posterior[0]
    assert before[uid].decoded("DTSTART").strftime("%a") == "Fri"
    assert after[uid].decoded("DTSTART").date() != dt.date(2027, 2, 26)
    for uid, event in after.items():
        if uid in moved:
            assert int(event["SEQUENCE"]) == 1 and "LAST-MODIFIED" in event
        elif event.decoded("DTSTART").date() < dt.date(2027, 2, 22):
            assert event.to_ical() == before[uid].to_ical()  # the past as it was
    unchanged = [u for u in after if u not in moved
                 and after[u].to_ical() == before[u].to_ical()]
    assert len(unchanged) > len(after) // 2
    assert "posterior chain" in output and "long run" in output
    assert_four_parsers_accept(new)


def test_a_replan_of_a_replan_is_stable(tmp_path):
    old = first_plan(tmp_path)
    new, _ = replan(tmp_path, old, "--done", HERE / "done.csv")
    again, output = replan(tmp_path, new, "--done", HERE / "done.csv", name="again.ics")
    assert again.read_bytes() == new.read_bytes()
    assert "No session changed" in output


def test_skipped_sessions_are_cancelled_once_and_dropped_from_a_feed(tmp_path):
    old = first_plan(tmp_path)
    new, output = replan(tmp_path, old, "--done", HERE / "done.csv", "--changes",
                         tmp_path / "changes.csv")
    after = events(new)
    flu = [e for e in after.values()
           if dt.date(2027, 2, 15) <= e.decoded("DTSTART").date() <= dt.date(2027, 2, 21)]
    assert flu and all(str(e["STATUS"]) == "CANCELLED" and int(e["SEQUENCE"]) == 1
                       and "LAST-MODIFIED" in e for e in flu)
    assert "skipped (done log)" in output
    rows = (tmp_path / "changes.csv").read_text().splitlines()
    assert rows[0] == "change,session,from,to,why,uid"
    assert sum(r.startswith("dropped,") for r in rows) == len(flu)
    feed, _ = replan(tmp_path, old, "--done", HERE / "done.csv", "--feed", name="feed.ics")
    text = feed.read_text()
    assert "CANCELLED" not in text and "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in text
    assert "X-PUBLISHED-TTL:PT6H" in text
    assert len(events(feed)) == len(after) - len(flu)
    # a feed made from a calendar that holds cancelled events holds none either
    again, _ = replan(tmp_path, new, "--done", HERE / "done.csv", "--feed", name="feed2.ics")
    assert "CANCELLED" not in again.read_text()
    assert len(events(again)) == len(after) - len(flu)
    assert_four_parsers_accept(new)
    assert_four_parsers_accept(feed)


def test_the_done_log_sets_the_next_loads_and_a_gap_holds_them(tmp_path):
    """The first session after the flu week starts from the logged loads; after a gap
    longer than gap_days the lift holds its load instead of stepping up."""
    old = first_plan(tmp_path)
    the_plan = plan(HERE / "runs-moved.csv", ATHLETE, previous=old, done=HERE / "done.csv",
                    today=dt.date(2027, 2, 22))
    assert validate(the_plan, knowledge.load()) == []
    cued = [(s, p) for s in the_plan.sessions for p in s.exercises if p.logged]
    assert cued
    goblet = next(p for s, p in cued if p.exercise.name == "Goblet squat")
    # logged 16 kg on 10 Feb; 24 Feb is 14 days later (> gap_days 10): keep 16 kg
    assert goblet.logged == "last time 3 x 10 at 16 kg: keep 16 kg"
    assert all(s.start.date() >= dt.date(2027, 2, 22) for s, _ in cued)
    assert len({p.exercise.id for _, p in cued}) == len(cued)  # the next session only
    fresh = plan(HERE / "runs.csv", ATHLETE, previous=old, done=HERE / "done.csv",
                 today=dt.date(2027, 2, 13))  # the day after the last logged lift
    stepped = [p for s in fresh.sessions for p in s.exercises if p.logged]
    assert any(": try " in p.logged for p in stepped)
    goblet = next(p for p in stepped if p.exercise.name == "Goblet squat")
    assert goblet.logged == "last time 3 x 10 at 16 kg: try 17 kg"


def test_past_sessions_are_kept_even_when_the_new_runs_would_move_them(tmp_path):
    """Sessions before --today stay as they were (the past-kept rule)."""
    old = first_plan(tmp_path)
    early = tmp_path / "early.csv"  # a key run the day after each old Wednesday session
    text = (HERE / "runs.csv").read_text()
    early.write_text(text.replace("2027-01-14,07:00,45,Tempo 3 x 10 min",
                                  "2027-01-14,07:00,50,Intervals 5 x 1 km"), encoding="utf-8")
    new, _ = replan(tmp_path, old, runs=early)
    before, after = events(old), events(new)
    for uid, event in before.items():
        if event.decoded("DTSTART").date() < dt.date(2027, 2, 22):
            assert after[uid].to_ical() == event.to_ical()


def test_a_calendar_not_ours_or_another_athletes_is_a_clear_error(tmp_path):
    foreign = tmp_path / "foreign.ics"
    foreign.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\n"
                        b"BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20270101T000000Z\r\n"
                        b"DTSTART:20270101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", tmp_path / "n.ics", "--previous",
                 foreign)
    assert result.exit_code == 1
    assert "foreign.ics: not a calendar runstrength wrote" in result.output
    assert not (tmp_path / "n.ics").exists()
    old = first_plan(tmp_path)
    with pytest.raises(InputError, match="the plan of athlete 'tom', not 'ann'"):
        read_previous(old, "ann", dt.UTC)
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", tmp_path / "n.ics", "--previous",
                 tmp_path / "missing.ics")
    assert result.exit_code == 1 and "missing.ics: file not found" in result.output


def test_a_bad_done_log_row_is_one_error_with_its_line(tmp_path):
    old = first_plan(tmp_path)
    log = tmp_path / "done.csv"
    log.write_text("date,exercise,sets,reps,load\n2027-02-10,Goblet squat,three,10,16 kg\n",
                   encoding="utf-8")
    result = run(HERE / "runs-moved.csv", "-a", ATHLETE, "-o", tmp_path / "n.ics",
                 "--previous", old, "--done", log)
    assert result.exit_code == 1
    assert "done.csv, line 2: sets" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "n.ics").exists()


def test_changes_from_an_earlier_plan(tmp_path):
    """The API: ``Plan.changes_from`` names the moves by slot, with a reason."""
    old = plan(HERE / "runs.csv", ATHLETE)
    new = plan(HERE / "runs-moved.csv", ATHLETE, previous=old, today=dt.date(2027, 2, 22))
    assert validate(new, knowledge.load()) == []
    found = new.changes_from(old)
    assert found and all(c.what == "moved" for c in found)
    assert all(dt.date(2027, 2, 22) <= c.old.date() <= dt.date(2027, 2, 28) for c in found)
    assert any("long run" in c.why for c in found)
    assert all(c.line().startswith(f"{c.old:%a %d %b}") for c in found)


def test_log_template_lists_the_planned_exercises(tmp_path):
    old = first_plan(tmp_path)
    out = tmp_path / "log.csv"
    result = CliRunner().invoke(main, ["log-template", str(old), "-o", str(out), "--to",
                                       "2027-01-17"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    from runstrength.donelog import parse_log

    lines = out.read_text().splitlines()
    assert lines[0] == "date,exercise,sets,reps,load"
    filled = "\n".join(line + ("16 kg" if "Goblet" in line else "") for line in lines)
    log = parse_log(filled, "log.csv")
    assert {e.day for e in log.entries} <= {dt.date(2027, 1, d) for d in range(11, 18)}
    assert any(e.exercise == "Goblet squat" and e.kg == 16 for e in log.entries)
    again = CliRunner().invoke(main, ["log-template", str(old), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


def test_past_kept_rule_fixes_every_candidate_before_today(tmp_path):
    """past-kept: before --today the kept sessions are chosen and nothing else can be."""
    from runstrength.api import prepare
    from runstrength.solver import build, candidates, solve

    old = plan(HERE / "runs.csv", ATHLETE)
    today = dt.date(2027, 2, 1)
    prep = prepare(HERE / "runs.csv", ATHLETE, previous=old, today=today)
    found = candidates(prep.season)
    kept = [c for c in found.items if c.kept]
    before = [s for s in old.sessions if s.start.date() < today]
    assert len(kept) == len(before) and all(c.day < today for c in kept)
    solved = solve(build(prep.season, found))
    past = sorted((c.day, c.kind.id, c.start) for c in solved.chosen if c.day < today)
    assert past == sorted((s.start.date(), s.kind, s.start) for s in before)


def test_a_roster_replans_from_a_folder_of_previous_calendars(tmp_path):
    roster = SCENARIOS / "roster" / "roster.toml"
    first = CliRunner().invoke(main, ["roster", str(roster), "-o", str(tmp_path / "one"), "-q"],
                               env=EPOCH)
    assert first.exit_code == 1  # the bundled roster has one broken athlete on purpose
    again = CliRunner().invoke(main, ["roster", str(roster), "-o", str(tmp_path / "two"), "-q",
                                      "--previous", str(tmp_path / "one")], env=EPOCH)
    assert again.exit_code == 1
    calendars = sorted((tmp_path / "one").glob("*.ics"))
    assert calendars
    for path in calendars:
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes()
        changes = (tmp_path / "two" / f"{path.stem}.changes.csv").read_text()
        assert changes == "change,session,from,to,why,uid\n"


def test_replan_options_need_a_previous_calendar_and_a_today_outside_the_season_is_said(
        tmp_path):
    old = first_plan(tmp_path)
    for extra in (["--done", HERE / "done.csv"], ["--today", TODAY]):
        result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", tmp_path / "n.ics", *extra)
        assert result.exit_code == 1 and "give the calendar written before" in result.output
    late = run(HERE / "runs-moved.csv", "-a", ATHLETE, "-o", tmp_path / "late.ics",
               "--previous", old, "--today", "2027-06-01")
    assert late.exit_code == 0, late.output
    assert "after the season's last day (2027-05-16): every session is kept" in late.output
    assert (tmp_path / "late.ics").read_bytes() == old.read_bytes()
    early = run(HERE / "runs.csv", "-a", ATHLETE, "-o", tmp_path / "early.ics",
                "--previous", old, "--today", "2027-01-04")  # before the season: none past
    assert early.exit_code == 0, early.output
    assert (tmp_path / "early.ics").read_bytes() == old.read_bytes()


def test_a_log_that_misses_today_or_names_no_exercise_is_warned_about(tmp_path):
    old = first_plan(tmp_path)
    log = tmp_path / "done.csv"
    log.write_text("date,exercise,sets,reps,load\n2027-02-10,Goblet sqaut,3,10,16 kg\n"
                   "2027-03-01,Goblet squat,3,10,16 kg\n", encoding="utf-8")
    _, output = replan(tmp_path, old, "--done", log)
    assert "'Goblet sqaut' is no exercise runstrength plans (did you mean 'Goblet squat'?)" \
        in output
    assert "1 row(s) on or after --today 2027-02-22 (from line 3)" in output
    log.write_text("date,exercise,sets,reps,load\n2027-02-10,skiped,,,\n", encoding="utf-8")
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", tmp_path / "n.ics", "--previous", old,
                 "--done", log)
    assert result.exit_code == 1 and "did you mean 'skipped'?" in result.output


def test_a_schedule_of_the_runs_to_come_keeps_the_past_as_it_was(tmp_path):
    """A coach's export that holds only the coming runs: the past sessions stay (not
    cancelled), and the season's weeks are the previous plan's."""
    old = first_plan(tmp_path)
    future = tmp_path / "future.csv"
    rows = (HERE / "runs-moved.csv").read_text().splitlines()
    future.write_text("\n".join([rows[0], *(r for r in rows[1:] if r >= "2027-02-22")]) + "\n",
                      encoding="utf-8")
    new, output = replan(tmp_path, old, runs=future)
    before, after = events(old), events(new)
    assert "CANCELLED" not in new.read_text()
    for uid, event in before.items():
        if event.decoded("DTSTART").date() < dt.date(2027, 2, 22):
            assert after[uid].to_ical() == event.to_ical()
    assert "dropped" not in output


def test_a_skipped_session_does_not_hand_its_uid_to_the_next_one_of_its_kind(tmp_path):
    """Two full-body sessions in the week of 19 Apr (Wed, Fri): Wednesday's is skipped; Friday's
    keeps its own UID, and Wednesday's is cancelled."""
    old = first_plan(tmp_path)
    log = tmp_path / "done.csv"
    log.write_text("date,exercise,sets,reps,load\n2027-04-21,skipped,,,\n", encoding="utf-8")
    new = tmp_path / "new.ics"
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", new, "--previous", old, "--done", log,
                 "--today", "2027-04-22")
    assert result.exit_code == 0, result.output
    output = result.output
    before, after = events(old), events(new)
    wed = next(u for u, e in before.items() if e.decoded("DTSTART").date()
               == dt.date(2027, 4, 21))
    fri = next(u for u, e in before.items() if e.decoded("DTSTART").date()
               == dt.date(2027, 4, 23))
    assert str(after[wed]["STATUS"]) == "CANCELLED"
    assert after[fri].decoded("DTSTART").date() == dt.date(2027, 4, 23)
    assert str(after[fri]["STATUS"]) == "CONFIRMED"
    assert "1 dropped." in output and "moved" not in output


def test_a_calendar_with_the_older_date_uids_keeps_them(tmp_path):
    """A calendar written before slot UIDs (UID from athlete, date and kind; no
    X-RUNSTRENGTH-ATHLETE): a re-plan keeps its UIDs instead of cancelling every event."""
    from runstrength.uids import session_uid

    old = first_plan(tmp_path)
    cal = icalendar.Calendar.from_ical(old.read_bytes())
    del cal["X-RUNSTRENGTH-ATHLETE"]
    for e in cal.walk("VEVENT"):
        e["UID"] = session_uid("tom", e.decoded("DTSTART").date(),
                               str(e["X-RUNSTRENGTH-SESSION"]))
    legacy = tmp_path / "legacy.ics"
    legacy.write_bytes(cal.to_ical())
    new, output = replan(tmp_path, legacy, runs=HERE / "runs.csv")
    assert set(events(new)) == set(events(legacy))
    assert "CANCELLED" not in new.read_text() and "No session changed" in output


def test_one_previous_calendar_read_twice_gives_the_same_file(tmp_path):
    from runstrength.exporters.ics import plan_to_ics
    from runstrength.profile import load_athlete

    old = first_plan(tmp_path)
    athlete = load_athlete(ATHLETE)
    prev = read_previous(old, "tom", athlete.zone)
    today = dt.date(2027, 2, 22)
    new = plan(HERE / "runs-moved.csv", athlete, previous=prev, done=HERE / "done.csv",
               today=today)
    skipped = {dt.date(2027, 2, 17), dt.date(2027, 2, 18), dt.date(2027, 2, 19)}
    first = plan_to_ics(new, previous=prev, today=today, skipped=skipped)
    assert plan_to_ics(new, previous=prev, today=today, skipped=skipped) == first


def test_runs_that_went_are_cancelled_too_and_edited_stamps_are_one_error(tmp_path):
    old = tmp_path / "plan.ics"
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", old, "-q", "--include-runs")
    assert result.exit_code == 0, result.output
    new, _ = replan(tmp_path, old, "--include-runs")
    gone = [e for e in events(new).values() if "X-RUNSTRENGTH-RUN" in e
            and str(e["STATUS"]) == "CANCELLED"]
    assert len(gone) == 3  # the intervals, the easy run and the long run of 22 Feb moved
    text = old.read_text().replace("DTSTAMP:", "X-OLD-STAMP:", 1)
    old.write_text(text)
    result = run(HERE / "runs.csv", "-a", ATHLETE, "-o", tmp_path / "n.ics", "--previous", old)
    assert result.exit_code == 1 and "no DTSTAMP" in result.output
    assert "Traceback" not in result.output


def test_a_club_with_a_shared_gym_replans_from_its_calendars(tmp_path):
    club = SCENARIOS / "club" / "roster.toml"
    first = CliRunner().invoke(main, ["roster", str(club), "-o", str(tmp_path / "one"), "-q"],
                               env=EPOCH)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["roster", str(club), "-o", str(tmp_path / "two"), "-q",
                                      "--previous", str(tmp_path / "one"), "--today",
                                      "2027-03-01"], env=EPOCH)
    assert again.exit_code == 0, again.output
    for path in sorted((tmp_path / "one").glob("*.ics")):  # the coach's calendar too
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes()
    # Ruth skips the group session of Thu 11 Feb: her calendar drops it without cancelling
    # the shared UID; the coach's calendar says one attendee fewer, with SEQUENCE 1
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "ruth.csv").write_text("date,exercise,sets,reps,load\n2027-02-11,skipped,,,\n",
                                   encoding="utf-8")
    third = CliRunner().invoke(main, ["roster", str(club), "-o", str(tmp_path / "three"), "-q",
                                      "--previous", str(tmp_path / "one"), "--done",
                                      str(logs), "--today", "2027-03-01"], env=EPOCH)
    assert third.exit_code == 0, third.output
    ruth = events(tmp_path / "three" / "ruth.ics")
    assert not any(str(e.get("STATUS")) == "CANCELLED" for e in ruth.values())
    coach = [e for e in events(tmp_path / "three" / "group-sessions.ics").values()
             if e.decoded("DTSTART").date() == dt.date(2027, 2, 11)]
    before = [e for e in events(tmp_path / "one" / "group-sessions.ics").values()
              if e.decoded("DTSTART").date() == dt.date(2027, 2, 11)]
    assert len(coach) == len(before) == 1
    assert "Ruth" in str(before[0]["DESCRIPTION"])
    assert "Ruth" not in str(coach[0]["DESCRIPTION"]) or str(coach[0]["STATUS"]) == "CANCELLED"
    assert int(coach[0]["SEQUENCE"]) == 1


def test_a_missed_week_does_not_advance_its_block(tmp_path):
    """The flu week (all its sessions skipped) does not count: the week after it takes the
    missed week's place in the block, so its sets, reps and load steps repeat it."""
    old = plan(HERE / "runs.csv", ATHLETE)
    new = plan(HERE / "runs-moved.csv", ATHLETE, previous=old, done=HERE / "done.csv",
               today=dt.date(2027, 2, 22))
    weeks = {w.index: w for w in old.weeks}
    again = {w.index: w for w in new.weeks}
    assert weeks[6].block == weeks[7].block
    assert again[7].block_week == weeks[6].block_week == weeks[7].block_week - 1
    assert all(again[i].block_week == weeks[i].block_week for i in range(1, 7))
    later = [s for s in new.sessions if s.week == 7 and not s.add_on]
    assert later and all(s.block_week == weeks[6].block_week for s in later)


@pytest.mark.parametrize("today", ["2027-01-20", "2027-02-22", "2027-03-31", "2027-05-12"])
def test_any_replan_day_gives_a_valid_calendar_with_one_event_per_uid(tmp_path, today):
    """Whatever the re-plan's first day: every plan passes the validator, the calendar holds
    each UID once, its past events are the previous ones, and the four parsers read it."""
    old = first_plan(tmp_path)
    day = dt.date.fromisoformat(today)
    the_plan = plan(HERE / "runs-moved.csv", ATHLETE, previous=old, done=HERE / "done.csv",
                    today=day)
    assert validate(the_plan, knowledge.load()) == []
    assert len(set(the_plan.uids)) == len(the_plan.sessions)
    out = tmp_path / "new.ics"
    result = run(HERE / "runs-moved.csv", "-a", ATHLETE, "-o", out, "--previous", old,
                 "--done", HERE / "done.csv", "--today", today)
    assert result.exit_code == 0, result.output
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    before = events(old)
    for uid, event in events(out).items():
        if event.decoded("DTSTART").date() < min(day, dt.date(2027, 2, 15)):
            assert event.to_ical() == before[uid].to_ical()
    assert_four_parsers_accept(out)


def test_the_validator_leaves_the_kept_past_alone_but_not_the_future(tmp_path):
    """Kept as it was, Fri 26 Feb's heavy session now comes the day before the long run that
    moved to Saturday: history, not the re-plan's fault; the same session after --today
    would be a violation."""
    old = first_plan(tmp_path)
    the_plan = plan(HERE / "runs-moved.csv", ATHLETE, previous=old,
                    today=dt.date(2027, 3, 31))
    assert validate(the_plan, knowledge.load()) == []
    as_future = the_plan.model_copy(update={"today": None})
    faults = [v for v in validate(as_future, knowledge.load())
              if v.rule == "no-heavy-legs-before-key"]
    assert faults and all(v.session.start.date() == dt.date(2027, 2, 26) for v in faults)
