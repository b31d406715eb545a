"""One small test per coaching rule: a tiny week where the rule decides the answer."""

from __future__ import annotations

import datetime as dt
import itertools

from conftest import checked, day, days_of, make_athlete, run, strength

from runstrength.domain import LegLoad, Phase, PlannedSession


def only(**windows):
    return {"availability": windows}


def test_availability_keeps_sessions_inside_windows_and_clear_of_busy_time():
    """availability: a busy event inside the only window pushes the session past it."""
    from runstrength.domain import BusyBlock

    athlete = make_athlete(**only(wed=["18:00-20:00"]))
    busy_start = dt.datetime.combine(day(2), dt.time(18), athlete.zone)
    busy = BusyBlock(start=busy_start, end=busy_start + dt.timedelta(hours=1), title="Dentist")
    result = checked([], athlete, busy=[busy])
    assert len(strength(result)) == 1
    s = strength(result)[0]
    assert s.start >= busy.end and s.end <= busy_start + dt.timedelta(hours=2)


def test_availability_keeps_a_buffer_around_runs():
    """availability: no session overlaps a run or the changing time around it."""
    athlete = make_athlete(**only(thu=["06:00-09:00"]))
    result = checked([run(day(3), "easy", "06:30", 45)], athlete)
    assert len(strength(result)) == 1
    # run 06:30-07:15 plus the 30-minute buffer of models/rules.toml
    assert f"{strength(result)[0].start:%H:%M}" >= "07:45"


def test_blackouts_leave_blackout_days_empty():
    """blackouts: with Monday-Friday blacked out, sessions land only at the weekend."""
    athlete = make_athlete(blackouts=[{"start": str(day(0)), "end": str(day(4)),
                                       "reason": "travel"}])
    result = checked([], athlete)
    assert strength(result) and set(days_of(result)) <= {"Sat", "Sun"}


def test_no_heavy_legs_before_key_run():
    """no-heavy-legs-before-key: the only free day precedes intervals, so it is not heavy."""
    athlete = make_athlete(**only(mon=["18:00-20:00"]))
    result = checked([run(day(1), "intervals")], athlete)
    assert strength(result), "a light or moderate session still fits on Monday"
    assert all(s.leg_load is not LegLoad.HEAVY for s in strength(result))


def test_no_stacking_on_key_run_day_for_recreational():
    """no-stacking: no heavy legs later on a long-run day for a recreational athlete."""
    athlete = make_athlete(**only(sun=["17:00-20:00"]))
    result = checked([run(day(6), "long", "08:00", 120)], athlete)
    assert all(s.leg_load is not LegLoad.HEAVY for s in strength(result))


def test_no_stacking_lets_advanced_lift_six_hours_after(k):
    """no-stacking: an advanced athlete may go heavy >= 6 h after a key run ends, not sooner."""
    from runstrength.periodization import periodize
    from runstrength.rules import Season
    from runstrength.solver import candidates

    runs = [run(day(1), "intervals", "07:00", 60)]
    for level, allowed in (("advanced", True), ("recreational", False)):
        athlete = make_athlete(level=level, **only(tue=["12:00-20:00"]))
        weeks = periodize(athlete, day(0), day(6), k)
        season = Season(athlete=athlete, knowledge=k, weeks=weeks, runs=runs, busy=[], races=[])
        heavy = [c for c in candidates(season).items if c.heavy]
        assert bool(heavy) is allowed
        assert all(c.start >= dt.datetime.combine(day(1), dt.time(14), athlete.zone)
                   for c in heavy)


def test_one_session_per_day():
    """one-per-day: two windows on the only free day still give one session."""
    athlete = make_athlete(**only(sat=["07:00-09:00", "15:00-18:00"]))
    result = checked([], athlete)
    assert len(strength(result)) == 1
    assert result.shortfalls and result.shortfalls[0].placed == 1


def test_heavy_spacing_keeps_heavy_days_apart():
    """heavy-spacing: on two consecutive free days at most one session is heavy."""
    athlete = make_athlete(**only(mon=["18:00-20:00"], tue=["18:00-20:00"]))
    result = checked([], athlete)
    assert len(strength(result)) == 2
    assert sum(s.leg_load is LegLoad.HEAVY for s in strength(result)) <= 1


def test_phase_max_caps_a_beginner_at_two():
    """phase-max: a beginner free every day still gets at most two sessions in base."""
    result = checked([], make_athlete(level="beginner"))
    assert len(strength(result)) == 2


def test_race_week_is_light_early_and_quiet_before_the_race():
    """race-week: only light/mobility, nothing in the 2 days before, nothing loaded in 7 days."""
    race_day = day(13)
    athlete = make_athlete(races=[{"date": str(race_day), "distance": "10k", "priority": "A"}])
    result = checked([run(race_day, "race", "09:00", 60)], athlete, end=race_day)
    week2 = [s for s in strength(result) if s.start.date() > day(6)]
    assert result.weeks[1].phase is Phase.RACE_WEEK
    for s in week2:
        assert s.leg_load in (LegLoad.LIGHT, LegLoad.NONE)
        assert (race_day - s.start.date()).days > 2
    loaded = [s for s in strength(result) if s.leg_load in (LegLoad.HEAVY, LegLoad.MODERATE)]
    assert all((race_day - s.start.date()).days > 7 for s in loaded)


def test_race_week_keeps_loaded_legs_away_just_after_an_a_race():
    """race-week: no heavy or moderate legs in the 3 days after an A race (reset block)."""
    race_day = day(6)
    athlete = make_athlete(races=[{"date": str(race_day), "distance": "10k", "priority": "A"}])
    result = checked([run(race_day, "race", "09:00", 60)], athlete, end=day(20))
    loaded = [s for s in strength(result) if s.leg_load in (LegLoad.HEAVY, LegLoad.MODERATE)]
    assert loaded and all(not 1 <= (s.day - race_day).days <= 3 for s in loaded)


def test_phase_min_reports_a_shortfall_with_reasons():
    """phase-min: one free day in a base week is one session short, with day-by-day reasons."""
    athlete = make_athlete(**only(wed=["18:00-20:00"]))
    result = checked([], athlete)
    assert len(result.shortfalls) == 1
    sf = result.shortfalls[0]
    assert (sf.needed, sf.placed) == (2, 1)
    assert any(r.startswith("Mon, Tue, Thu") and "no availability" in r for r in sf.reasons)
    assert sf.fixes[0].startswith("add an availability window on Mon, Tue, Thu, Fri, Sat or Sun")
    assert sf.fixes[0].endswith("(+1 session with any one)")


def test_volume_balance_picks_strength_over_filler():
    """volume-balance: a free base week gets unilateral and posterior work, not mobility."""
    result = checked([], make_athlete())
    kinds = {s.kind for s in strength(result)}
    assert "mobility_activation" not in kinds
    unilateral = sum(s.volume.get("unilateral", 0) for s in strength(result))
    posterior = sum(s.volume.get("posterior", 0) for s in strength(result))
    target = result.weeks[0].targets
    assert unilateral >= target["unilateral"] // 2 and posterior >= target["posterior"] // 2


def test_posterior_chain_at_least_every_ten_days():
    """posterior-every-7-10: across three base weeks no 10-day window lacks a posterior day."""
    result = checked([], make_athlete(), end=day(20))
    days = sorted(s.start.date() for s in strength(result) if s.kind == "posterior_chain")
    edges = [day(0), *days, day(20)]
    assert all((b - a).days <= 10 for a, b in itertools.pairwise(edges))


def test_core_block_every_week(k):
    """core-weekly: each base week holds a session with a core-stability block."""
    result = checked([], make_athlete(), end=day(13))
    for week in result.weeks:
        kinds = [s.kind for s in strength(result) if s.week == week.index]
        assert any(k.sessions[kind].core_block for kind in kinds)


def test_easy_days_preferred_over_quality_days():
    """easy-days: a beginner with a tempo day and two rest days trains on the rest days."""
    athlete = make_athlete(level="beginner",
                           **only(tue=["18:00-20:00"], wed=["18:00-20:00"], fri=["18:00-20:00"]))
    result = checked([run(day(1), "tempo")], athlete)
    assert sorted(days_of(result)) == ["Fri", "Wed"]


def test_no_heavy_legs_the_day_after_a_long_run():
    """day-after-long: Monday after Sunday's long run gets no heavy legs when Wed/Fri are free."""
    athlete = make_athlete(level="beginner",
                           **only(mon=["18:00-20:00"], wed=["18:00-20:00"], fri=["18:00-20:00"]))
    result = checked([run(day(6), "long", "08:00", 120)], athlete, end=day(13))
    monday = [s for s in strength(result) if s.start.date() == day(7)]
    assert all(s.leg_load is not LegLoad.HEAVY for s in monday)


def test_spread_avoids_back_to_back_days():
    """spread: free Mon, Tue and Thu give a beginner two sessions that are not back to back."""
    athlete = make_athlete(level="beginner",
                           **only(mon=["18:00-20:00"], tue=["18:00-20:00"], thu=["18:00-20:00"]))
    result = checked([], athlete)
    dates = sorted(s.start.date() for s in strength(result))
    assert len(dates) == 2 and (dates[1] - dates[0]).days > 1


def test_preferences_days_and_time():
    """preferences: preferred days and start time are used when the rules leave room."""
    athlete = make_athlete(level="beginner", preferences={"days": ["tue", "sat"], "time": "19:00"},
                           **{"availability": {d: ["17:00-21:00"] for d in ("mon", "tue", "wed",
                                                                               "thu", "sat")}})
    result = checked([], athlete)
    assert sorted(days_of(result)) == ["Sat", "Tue"]
    assert all(f"{s.start:%H:%M}" == "19:00" for s in strength(result))


def test_stability_keeps_the_previous_plan():
    """stability: re-planning with an earlier plan keeps its sessions where still allowed."""
    athlete = make_athlete(level="beginner")
    first = checked([], athlete)
    moved = [s.model_copy(update={"start": s.start + dt.timedelta(days=1),
                                  "end": s.end + dt.timedelta(days=1)})
             for s in first.sessions if s.day < day(6)]  # a day later, still in the week
    assert all(isinstance(s, PlannedSession) for s in moved)
    second = checked([], athlete, previous=moved)
    assert {(s.start.date(), s.kind) for s in moved} <= \
        {(s.start.date(), s.kind) for s in second.sessions}


def test_fresh_before_key_prefers_light_work_on_the_eve_of_a_long_run():
    """fresh-before-key: when only Saturday is free before Sunday's long run, it stays light."""
    athlete = make_athlete(**only(sat=["08:00-10:00"]))
    result = checked([run(day(6), "long", "08:00", 120)], athlete)
    assert len(strength(result)) == 1
    assert strength(result)[0].leg_load in (LegLoad.LIGHT, LegLoad.NONE)


def test_models_copied_before_the_after_race_rule_still_load(tmp_path):
    """A coach's older models folder without a_race_recovery_unloaded_days loads; the rule is
    then off (0 days), as it was when the folder was copied."""
    import shutil

    from conftest import ROOT

    from runstrength import knowledge

    folder = tmp_path / "models"
    shutil.copytree(ROOT / "models", folder)
    rules_toml = folder / "rules.toml"
    text = rules_toml.read_text(encoding="utf-8")
    start = text.index("a_race_recovery_unloaded_days")
    end = text.index("\n", text.index("\n", start) + 1)  # the setting and its comment line
    rules_toml.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    assert knowledge.load(folder).rules.a_race_recovery_unloaded_days == 0
    assert knowledge.load().rules.a_race_recovery_unloaded_days == 3


# ---------------------------------------------------------------- issue 8: placement by harm,
# core days, return after races


def test_heavy_near_tempo_keeps_heavy_legs_off_the_tempo_day_and_its_eve():
    """heavy-near-tempo: free every evening, a tempo run on Thursday: no heavy legs on Wed or
    Thu while other legal days remain."""
    athlete = make_athlete(**only(**{d: ["18:00-20:00"] for d in
                                     ("mon", "tue", "wed", "thu", "fri", "sat")}))
    result = checked([run(day(3), "tempo", "07:00")], athlete)
    heavy = [s for s in strength(result) if s.leg_load is LegLoad.HEAVY]
    assert heavy and not [s for s in heavy if f"{s.start:%a}" in ("Wed", "Thu")]


def test_heavy_near_tempo_is_paid_when_no_other_day_is_free():
    """heavy-near-tempo is soft: with only the eve of a tempo run free it is paid, by name."""
    athlete = make_athlete(level="beginner", **only(wed=["18:00-20:00"]))
    result = checked([run(day(3), "tempo", "07:00")], athlete)
    heavy = [s for s in strength(result) if s.leg_load is LegLoad.HEAVY]
    assert not heavy or any(p.rule == "heavy-near-tempo" for p in result.penalties)


def test_no_leg_work_on_a_long_run_day_below_advanced():
    """no-stacking: below advanced level no moderate legs on a long-run day either; an
    advanced athlete may."""
    athlete = make_athlete(**only(sun=["16:00-20:00"]))
    result = checked([run(day(6), "long", "08:00", 120)], athlete)
    assert all(s.leg_load in (LegLoad.LIGHT, LegLoad.NONE) for s in result.sessions)
    from runstrength import knowledge
    from runstrength.rules import Season
    from runstrength.rules.no_stacking import NoStacking

    k = knowledge.load()
    for level, blocked in (("recreational", True), ("advanced", False)):
        season = Season(athlete=make_athlete(level=level), knowledge=k, weeks=result.weeks,
                        runs=[run(day(6), "long", "08:00", 120)], busy=[], races=[])
        why = NoStacking().blocks(season, day(6), k.sessions["full_body_maintenance"])
        assert bool(why) is blocked and (not why or "long run" in why)


def test_no_moderate_legs_the_day_before_a_long_run():
    """no-heavy-legs-before-key: only Saturday is free and Sunday is the long run: Saturday's
    session loads no legs."""
    athlete = make_athlete(**only(sat=["08:00-12:00"]))
    result = checked([run(day(6), "long", "08:00", 120)], athlete)
    assert result.sessions
    assert all(s.leg_load in (LegLoad.LIGHT, LegLoad.NONE) for s in result.sessions)


def test_core_days_adds_short_core_blocks_on_free_days():
    """core-days: a beginner's two base sessions leave core on two days; short core and
    mobility blocks (leg load none, not counted in the weekly maximum) make it three."""
    athlete = make_athlete(level="beginner")
    result = checked([], athlete)
    assert len(strength(result)) == 2
    add_ons = [s for s in result.sessions if s.add_on]
    assert add_ons and all(s.leg_load is LegLoad.NONE and s.minutes <= 20 for s in add_ons)
    core_days = {s.day for s in result.sessions
                 if any(p.exercise.category == "core" for p in s.exercises)}
    assert len(core_days) >= 3


def test_core_days_yields_when_no_day_is_free():
    """core-days: with two free days there is no third core day, and the penalty says so."""
    athlete = make_athlete(level="beginner", **only(mon=["18:00-20:00"], thu=["18:00-20:00"]))
    result = checked([], athlete)
    assert not [s for s in result.sessions if s.add_on]
    assert any(p.rule == "core-days" for p in result.penalties)


RACE_DAY = day(2)  # a Wednesday half marathon in the first week


def _after_a_race(distance: str, priority: str, weeks: int = 3):
    athlete = make_athlete(races=[{"date": str(RACE_DAY), "distance": distance,
                                   "priority": priority}])
    start = RACE_DAY - dt.timedelta(days=RACE_DAY.weekday() + 7 * 5)
    return athlete, checked([], athlete, start=start, end=RACE_DAY + dt.timedelta(weeks=weeks))


def test_return_after_race_leaves_three_days_unloaded_after_any_race():
    """return-after-race: even after a C race, nothing loads the legs for three days."""
    _, result = _after_a_race("10k", "C")
    after = [s for s in result.sessions if 1 <= (s.day - RACE_DAY).days <= 3]
    assert all(s.leg_load in (LegLoad.LIGHT, LegLoad.NONE) for s in after)


def test_return_after_race_has_no_jumps_for_a_week_after_a_half():
    """return-after-race: no jumps, hops or bounds in the 7 days after a half marathon."""
    _, result = _after_a_race("half", "B")
    near = [s for s in result.sessions if 1 <= (s.day - RACE_DAY).days <= 7]
    assert not [p for s in near for p in s.exercises if p.exercise.category == "plyometric"]
    later = [s for s in result.sessions if (s.day - RACE_DAY).days > 7]
    assert any(p.exercise.category == "plyometric" for s in later for p in s.exercises)


def test_return_after_race_caps_the_weeks_back():
    """return-after-race: the week after a B half holds at most 60 % of the leg sets of the
    weeks before it (periodization.toml return_after_race), the week after that more."""
    from runstrength import knowledge
    from runstrength.validate import return_caps

    _, result = _after_a_race("half", "B")
    k = knowledge.load()
    caps = return_caps(result, k)
    race_week = next(w for w in result.weeks if w.monday <= RACE_DAY <= w.sunday)
    assert race_week.index + 1 in caps and race_week.index + 2 not in caps
    legs = sum(s.volume.get(c, 0) for s in result.sessions if s.week == race_week.index + 1
               for c in ("posterior", "unilateral"))
    assert legs <= caps[race_week.index + 1]
    assert result.weeks[race_week.index].volume_share < 1  # the week after the race week


def test_build_is_two_sessions_a_week_below_advanced():
    """phase-max: a recreational runner free every day gets two sessions a build week."""
    race = day(6) + dt.timedelta(weeks=10)
    athlete = make_athlete(races=[{"date": str(race), "distance": "marathon", "priority": "A"}])
    result = checked([], athlete, end=day(6))
    assert result.weeks[0].phase is Phase.BUILD and result.weeks[0].max_sessions == 2
    assert len(strength(result)) == 2


def test_no_heavy_legs_in_the_two_days_before_even_a_c_race():
    """race-week: a C race changes no phase, but the two days before it hold no heavy legs
    (a coach's review: a heavy session two days before a 10K is refused)."""
    race = day(3)
    athlete = make_athlete(**only(mon=["18:00-20:00"]),
                           races=[{"date": str(race), "distance": "10k", "priority": "C"}])
    result = checked([], athlete)
    assert strength(result) and all(s.leg_load is not LegLoad.HEAVY for s in strength(result))


def test_holidays_keep_sessions_off_the_days_the_profile_names():
    """holidays (issue 9): free every day, the profile's holiday Wednesday gets no session;
    with only the holiday free, the session still comes (the penalty is paid, by name)."""
    athlete = make_athlete(level="beginner", holidays=[str(day(2))])
    result = checked([], athlete)
    assert result.sessions and all(s.day != day(2) for s in result.sessions)
    only_that = make_athlete(level="beginner", holidays=[str(day(2))],
                             **only(wed=["18:00-20:00"]))
    result = checked([], only_that)
    assert [s.day for s in strength(result)] == [day(2)]
    assert any(p.rule == "holidays" and "holiday" in p.detail for p in result.penalties)


def test_holidays_by_country_code():
    """holidays: a country code takes the holidays package's days (Christmas in GB)."""
    import pytest

    christmas = dt.date(2026, 12, 21)  # a Monday
    athlete = make_athlete(holidays="GB")
    result = checked([], athlete, start=christmas, end=christmas + dt.timedelta(days=6))
    assert result.sessions and all(s.day not in (dt.date(2026, 12, 25), dt.date(2026, 12, 26),
                                                 dt.date(2026, 12, 28))
                                   for s in result.sessions)
    with pytest.raises(ValueError, match="'ZZ' is not a country the holidays package knows"):
        make_athlete(holidays="ZZ")
    with pytest.raises(ValueError, match="'XYZ' is not a subdivision of GB"):
        make_athlete(holidays="GB-XYZ")


def test_sessions_start_at_times_that_exist_and_last_real_time():
    """Regression (issue 10, item 6): a session was placed at 01:00 on the London
    spring-forward night, a time that does not exist. The window 01:00-03:00 that night is one
    real hour, 02:00-03:00 BST: a session there starts at a real time and ends by 03:00."""
    sunday = dt.date(2027, 3, 28)
    athlete = make_athlete(availability={"sun": ["01:00-03:00"]}, session_minutes=45)
    result = checked([], athlete, start=sunday - dt.timedelta(days=6), end=sunday)
    for s in result.sessions:
        back = s.start.astimezone(dt.UTC).astimezone(athlete.zone)
        assert back.replace(tzinfo=None) == s.start.replace(tzinfo=None), s.start
        assert s.start.astimezone(dt.UTC) >= dt.datetime(2027, 3, 28, 1, 0, tzinfo=dt.UTC)
        assert s.end.astimezone(dt.UTC) <= dt.datetime(2027, 3, 28, 2, 0, tzinfo=dt.UTC)
        assert s.end.astimezone(dt.UTC) - s.start.astimezone(dt.UTC) == dt.timedelta(
            minutes=s.minutes)
    assert result.sessions, "the real hour holds a session"
