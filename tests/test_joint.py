"""Shared gyms and group sessions: the roster tables, the joint plan, its capacity, fairness,
explanations, outputs and the validator."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import icalendar
import pytest
from conftest import ROOT, SCENARIOS

from runstrength import knowledge
from runstrength.errors import InputError
from runstrength.resources import Gym, Shared
from runstrength.roster import load_roster, plan_roster
from runstrength.validate import validate, validate_shared

CLUB = SCENARIOS / "club" / "roster.toml"
WINDOWS = 'mon = ["18:00-19:00"]\nwed = ["18:00-19:00"]\nfri = ["18:00-19:00"]\n'


def _athlete(folder: Path, who: str, windows: str = WINDOWS, minutes: int = 45) -> None:
    """A beginner in London with a fortnight of easy runs on Tue, Thu and Sun mornings."""
    (folder / who).mkdir(parents=True, exist_ok=True)
    (folder / who / "athlete.toml").write_text(
        f'id = "{who}"\nname = "{who.title()}"\nlevel = "recreational"\n'
        f'timezone = "Europe/London"\nsession_minutes = {minutes}\n'
        f'equipment = ["dumbbells", "bands"]\n\n[availability]\n{windows}', encoding="utf-8")
    days = ["2027-01-05", "2027-01-07", "2027-01-10", "2027-01-12", "2027-01-14",
            "2027-01-17"]
    rows = "".join(f"{d},07:00,40,Easy run\n" for d in days)
    (folder / who / "runs.csv").write_text("date,start,duration_min,title\n" + rows,
                                           encoding="utf-8")


def _roster(folder: Path, people: list[str], shared: str, extra: dict | None = None) -> Path:
    for who in people:
        _athlete(folder, who)
    body = [shared]
    for who in people:
        body.append(f'[[athlete]]\nid = "{who}"\nprofile = "{who}/athlete.toml"\n'
                    f'runs = "{who}/runs.csv"\n' + (extra or {}).get(who, ""))
    path = folder / "roster.toml"
    path.write_text("\n".join(body), encoding="utf-8")
    return path


GYM = """[defaults]
gym = "Room"

[[gym]]
name = "Room"
max_athletes = {room}

[gym.open]
mon = ["06:00-22:00"]
wed = ["06:00-22:00"]
fri = ["06:00-22:00"]
"""


def _check(result) -> dict:
    """Every plan valid on its own and together; the plans by id."""
    k = knowledge.load(None)
    plans = {r.id: r.plan for r in result if r.plan is not None}
    for plan in plans.values():
        assert validate(plan, k) == []
    access = {e.id: result.roster.access(e) for e in result.roster.entries}
    assert validate_shared(plans, result.roster.shared, access) == []
    return plans


def _strength(plan) -> list:
    return [s for s in plan.sessions if not s.add_on]


def test_capacity_decides_who_goes_when_and_the_missed_sessions_are_shared(tmp_path):
    """Two athletes, three one-hour evenings a week, a room for one: four sessions a week are
    wanted and three fit; each athlete misses one over the fortnight, not one athlete two."""
    path = _roster(tmp_path, ["ann", "bob"], GYM.format(room=1))
    result = plan_roster(path, jobs=1)
    plans = _check(result)
    (joint,) = result.joint
    assert joint.method == "joint" and joint.status == "OPTIMAL"
    missed = {who: sum(sf.needed - sf.placed for sf in p.shortfalls) for who, p in plans.items()}
    assert missed == {"ann": 1, "bob": 1}
    starts = [s.start for p in plans.values() for s in _strength(p)]
    assert len(starts) == len(set(starts))  # never two in the room at once
    assert all(s.location == "Room" for p in plans.values() for s in _strength(p))
    reasons = " ".join(r for p in plans.values() for sf in p.shortfalls for r in sf.reasons)
    assert "Room is full at 18:00 (1 of 1" in reasons and "[gym-capacity]" in reasons
    assert joint.moves and all("Room was full then" in m or "moved with" in m
                               for m in joint.moves)


def test_room_enough_gives_each_athlete_the_plan_they_would_have_alone(tmp_path):
    open_all = GYM.format(room=5)
    result = plan_roster(_roster(tmp_path / "gym", ["ann", "bob"], open_all), jobs=1)
    alone = plan_roster(_roster(tmp_path / "home", ["ann", "bob"], ""), jobs=1)
    (joint,) = result.joint
    assert joint.method == "alone" and joint.moves == []
    _check(result)
    for shared, own in zip(result, alone, strict=True):
        assert [(s.start, s.kind) for s in shared.plan.sessions] == \
            [(s.start, s.kind) for s in own.plan.sessions]
        assert {s.location for s in _strength(shared.plan)} == {"Room"}
        assert {s.location for s in own.plan.sessions} == {""}


def test_gym_hours_keep_strength_inside_them(tmp_path):
    """Open only on Mondays: strength sessions only on Mondays; short weeks name the gym."""
    gym = GYM.format(room=5).replace('wed = ["06:00-22:00"]\nfri = ["06:00-22:00"]\n', "")
    result = plan_roster(_roster(tmp_path, ["ann"], gym), jobs=1)
    plans = _check(result)
    assert {s.start.weekday() for s in _strength(plans["ann"])} == {0}
    reasons = " ".join(r for sf in plans["ann"].shortfalls for r in sf.reasons)
    assert "Room closed" in reasons


GROUP = """[[group]]
name = "Wednesday squad"
kind = "full_body_maintenance"
day = "wed"
time = "18:00"
minutes = 45
max_size = 2
"""


def test_a_group_holds_at_most_its_size_and_shares_one_uid(tmp_path):
    path = _roster(tmp_path, ["ann", "bob", "cat"], GROUP)
    result = plan_roster(path, jobs=1)
    plans = _check(result)
    (joint,) = result.joint
    assert joint.groups and all(g["attendees"] <= 2 for g in joint.groups)
    assert any(g["attendees"] == 2 for g in joint.groups)
    uids: dict[str, set[str]] = {}
    for r in result:
        cal = icalendar.Calendar.from_ical(r.files["ics"])
        for event in cal.walk("VEVENT"):
            if str(event["SUMMARY"]) == "Wednesday squad":
                assert str(event["LOCATION"]) == "Wednesday squad"
                uids.setdefault(str(event["DTSTART"].dt.date()), set()).add(str(event["UID"]))
    assert uids and all(len(u) == 1 for u in uids.values())
    group_sessions = [s for p in plans.values() for s in p.sessions if s.group]
    assert group_sessions and all(s.end - s.start == dt.timedelta(minutes=45)
                                  for s in group_sessions)  # the group's length for all
    coach = result.group_ics()
    events = icalendar.Calendar.from_ical(coach).walk("VEVENT")
    assert len(events) == len(joint.groups)
    assert {str(e["UID"]) for e in events} == {u for us in uids.values() for u in us}
    assert "Attending" in str(events[0]["DESCRIPTION"])


def test_group_calendars_parse_in_four_libraries(tmp_path):
    import ics
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    result = plan_roster(_roster(tmp_path, ["ann", "bob", "cat"], GROUP), jobs=1)
    for data in [result.group_ics(), *(r.files["ics"] for r in result)]:
        text = data.decode("utf-8")
        cal = icalendar.Calendar.from_ical(text)
        assert all(not c.errors for c in cal.walk())
        assert IcsCalendarStream.calendar_from_ics(text).events
        vobject.readOne(io.StringIO(text), validate=True)
        assert ics.Calendar(text).events


def test_a_group_open_to_a_tag_only(tmp_path):
    shared = GROUP.replace('max_size = 2\n', 'max_size = 5\nwho = "tag:squad"\n')
    path = _roster(tmp_path, ["ann", "bob"], shared, {"ann": 'tags = ["squad"]\n'})
    result = plan_roster(path, jobs=1)
    plans = _check(result)
    assert any(s.group for s in plans["ann"].sessions)
    assert not any(s.group for s in plans["bob"].sessions)
    assert [len(j.results) for j in result.joint] == [1]  # bob shares nothing: alone


def test_one_broken_athlete_fails_alone_in_a_shared_gym(tmp_path):
    path = _roster(tmp_path, ["ann", "bob", "cat"], GYM.format(room=1))
    (tmp_path / "cat" / "runs.csv").write_text(
        "date,start,duration_min,title\n2027-02-30,07:00,40,Easy run\n", encoding="utf-8")
    result = plan_roster(path, jobs=1)
    status = {r.id: r.status for r in result}
    assert status["cat"] == "FAILED" and status["ann"] == status["bob"] == "OPTIMAL"
    assert "runs.csv" in next(r for r in result if r.id == "cat").error
    _check(result)


@pytest.mark.parametrize(("shared", "extra", "message"), [
    (GYM.format(room=1), {"ann": 'gym = "Attic"\n'}, "no [[gym]] is named 'Attic'"),
    (GYM.format(room=0), None, "max_athletes: a whole number from 1"),
    (GYM.format(room=1).replace('"06:00-22:00"', '"22:00-06:00"', 1), None, "ends before"),
    (GROUP.replace("full_body_maintenance", "zumba"), None, "unknown session kind 'zumba'"),
    (GROUP.replace('day = "wed"\n', ""), None, 'give day = "thu"'),
    (GROUP + GROUP, None, "two [[group]] tables are named 'Wednesday squad'"),
    (GROUP.replace('max_size = 2\n', 'max_size = 2\nwho = "tag:x"\n'),
     {"ann": 'groups = ["Wednesday squad"]\n'}, "is not open to ann"),
])
def test_bad_shared_tables_are_one_clear_error(tmp_path, shared, extra, message):
    path = _roster(tmp_path, ["ann", "bob"], shared, extra)
    with pytest.raises(InputError, match=r"roster\.toml") as err:
        load_roster(path)
    assert message in str(err.value)


def test_the_validator_finds_an_overfull_gym(tmp_path):
    result = plan_roster(_roster(tmp_path, ["ann", "bob"], GYM.format(room=2)), jobs=1)
    plans = _check(result)
    access = {e.id: result.roster.access(e) for e in result.roster.entries}
    (gym,) = result.roster.shared.gyms
    small = Shared(gyms=(Gym(gym.name, 1, gym.hours),))
    found = validate_shared(plans, small, access)
    assert any(v.rule == "gym-capacity" and "room for 1" in v.message for v in found)
    shut = Shared(gyms=(Gym(gym.name, 2, ((0, ()),)),))
    assert any(v.rule == "gym-hours" for v in validate_shared(plans, shut, access))


def test_bundled_club_plans_within_its_capacity_and_the_same_with_two_jobs(tmp_path):
    one = plan_roster(CLUB, jobs=1, outdir=tmp_path / "one")
    two = plan_roster(CLUB, jobs=2, outdir=tmp_path / "two")
    for name in ("occupancy.csv", "group-sessions.ics", "roster.html", "maya.ics", "kofi.ics"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    kept = plan_roster(CLUB, jobs=1)
    _check(kept)
    (joint,) = kept.joint
    room = kept.roster.shared.gyms[0].max_athletes
    assert joint.slots and max(s["athletes"] for s in joint.slots) == room
    assert all(g["attendees"] <= g["max_size"] for g in joint.groups)
    nina = next(r for r in kept if r.id == "nina")  # trains at home: not in the gym
    assert not any(s.location for s in nina.plan.sessions if not s.group)
    page = (tmp_path / "one" / "roster.html").read_text(encoding="utf-8")
    assert "Shared places" in page and 'class="heat"' in page and "Moved for room" in page
    assert not one.failed and not two.failed


def _by_prices(folder: Path) -> str:
    """A copy of the bundled models in ``folder`` that plans two or more athletes who share
    something by prices (``runstrength.prices``); the [defaults] line that uses it."""
    import shutil

    shutil.copytree(ROOT / "models", folder / "models")
    rules = folder / "models" / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("whole_max_athletes = 24", "whole_max_athletes = 2"),
                     encoding="utf-8")
    assert "whole_max_athletes = 2 " in rules.read_text(encoding="utf-8")
    return 'models = "models"\n'


def test_prices_fit_the_room_and_their_bound_is_below_the_joint_optimum(tmp_path):
    """Three athletes, a room for one: the prices' plans fit the room and are valid; their
    lower bound is below the one model's proven optimum, their cost at or above it."""
    people = ["ann", "bob", "cat"]
    whole = plan_roster(_roster(tmp_path / "whole", people, GYM.format(room=1)), jobs=1)
    (best,) = whole.joint
    assert best.method == "joint" and best.status == "OPTIMAL"
    gym = GYM.format(room=1).replace("[defaults]\n", "[defaults]\n" + _by_prices(
        tmp_path / "prices"))
    result = plan_roster(_roster(tmp_path / "prices", people, gym), jobs=1)
    plans = _check(result)
    (joint,) = result.joint
    assert joint.method == "prices" and joint.status == "FEASIBLE"
    starts = [s.start for p in plans.values() for s in _strength(p)]
    assert len(starts) == len(set(starts))
    assert joint.cost >= best.cost - 1e-6
    bound = joint.cost * (1 - joint.gap)
    assert bound <= best.cost + 1e-6
    assert 0 <= joint.gap < 1


def test_prices_keep_a_group_to_its_size(tmp_path):
    shared = "[defaults]\n" + _by_prices(tmp_path) + GROUP
    result = plan_roster(_roster(tmp_path, ["ann", "bob", "cat"], shared), jobs=1)
    _check(result)
    (joint,) = result.joint
    assert joint.method == "prices"
    assert joint.groups and all(g["attendees"] <= 2 for g in joint.groups)


def test_bundled_club_by_prices_fits_and_is_the_same_with_two_jobs(tmp_path):
    import shutil

    club = tmp_path / "club"
    shutil.copytree(CLUB.parent, club)
    text = (club / "roster.toml").read_text(encoding="utf-8")
    (club / "roster.toml").write_text(text.replace("[defaults]\n", "[defaults]\n" + _by_prices(
        club), 1), encoding="utf-8")
    one = plan_roster(club / "roster.toml", jobs=1, outdir=tmp_path / "one")
    plan_roster(club / "roster.toml", jobs=2, outdir=tmp_path / "two")
    for name in ("occupancy.csv", "group-sessions.ics", "maya.ics", "kofi.ics", "ruth.ics"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    _check(one)
    (joint,) = one.joint
    assert joint.method == "prices"
    room = one.roster.shared.gyms[0].max_athletes
    assert max(s["athletes"] for s in joint.slots) <= room
    assert all(g["attendees"] <= g["max_size"] for g in joint.groups)


def test_athletes_with_fewer_sessions_than_alone_are_named(tmp_path):
    """The room in a room for one costs each of two athletes a session: the terminal lines and
    the page name them, with their counts alone."""
    from runstrength.summary import shared_lines

    result = plan_roster(_roster(tmp_path, ["ann", "bob"], GYM.format(room=1)), jobs=1)
    (joint,) = result.joint
    assert set(joint.fewer) == {"ann", "bob"}
    assert all(mine < alone for mine, alone in joint.fewer.values())
    line = next(t for t in shared_lines(result) if t.startswith("fewer sessions"))
    mine, alone = joint.fewer["ann"]
    assert f"ann {mine} of {alone}" in line
    assert "Fewer sessions than alone" in result.to_html().decode()
