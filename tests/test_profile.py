"""Profile errors name the file and the field, and say what is allowed."""

from __future__ import annotations

import pytest

from runstrength.domain import Athlete
from runstrength.errors import InputError
from runstrength.profile import parse_athlete

GOOD = b"""
name = "Sam"
timezone = "Europe/London"
[availability]
mon = ["06:00-07:30"]
"""


def error_of(text: bytes) -> str:
    with pytest.raises(InputError) as info:
        parse_athlete(text, "me.toml")
    return str(info.value)


def test_good_profile_defaults_id_to_stem():
    """A valid profile loads; the id defaults to the name given by the caller."""
    athlete = parse_athlete(GOOD, "me.toml", default_id="me")
    assert athlete.id == "me" and athlete.availability["mon"][0].start.hour == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (b'timezone = "Mars/Base"', "timezone"),
        (b'level = "elite"', "level"),
        (b'session_minutes = 500', "session_minutes"),
        (b'run_time = "25:00"', "run_time"),
    ],
)
def test_bad_top_level_value_names_the_field(change, field):
    """Each bad value gives one line naming the file and the field."""
    text = GOOD.replace(b'timezone = "Europe/London"', b'timezone = "Europe/London"\n' + change)
    if field == "timezone":
        text = GOOD.replace(b'timezone = "Europe/London"', change)
    message = error_of(text)
    assert message.startswith("me.toml: field ") and field in message and "\n" not in message


def test_bad_window_names_day_and_format():
    """An impossible window names availability.<day> and the HH:MM-HH:MM form."""
    message = error_of(GOOD.replace(b'"06:00-07:30"', b'"25:00-26:30"'))
    assert "availability" in message and "HH:MM" in message


def test_bad_race_distance_lists_the_allowed_values():
    """An unknown race distance says which distances exist."""
    message = error_of(GOOD + b'[[races]]\ndate = "2027-04-25"\ndistance = "42k"\n')
    assert "races.0.distance" in message and "marathon" in message


def test_bad_keyword_regex_is_a_profile_error():
    """A broken 're:' keyword is reported against the keywords field."""
    message = error_of(GOOD.replace(b"[availability]", b'[keywords]\nlong = ["re:(unclosed"]\n'
                                                          b"[availability]"))
    assert "keywords" in message


def test_unreadable_toml_names_the_file():
    """A TOML syntax error is one line naming the file."""
    assert error_of(b"name = ").startswith("me.toml: ")


def test_race_before_the_season_names_the_profile(tmp_path):
    """A race before the season start is an error naming the profile file and the race field."""
    import datetime as dt

    from runstrength.api import plan
    from runstrength.domain import RunKind, RunWorkout
    from runstrength.profile import load_athlete

    profile = tmp_path / "me.toml"
    profile.write_bytes(GOOD + b'[[races]]\ndate = "2027-01-10"\ndistance = "10k"\n')
    start = dt.datetime(2027, 3, 1, 7, tzinfo=dt.UTC)
    runs = [RunWorkout(start=start, end=start + dt.timedelta(hours=1), kind=RunKind.EASY)]
    with pytest.raises(InputError) as info:
        plan(runs, load_athlete(profile))
    assert str(info.value).startswith(f"{profile}: field races.0.date")


def test_weekday_keys_are_exact_names_not_prefixes(tmp_path):
    """Regression (issue 9): "wedn", "weds", "thurs" were taken as days by prefix, and "frid"
    next to "fri" made a day's windows vanish. Only mon..sun and the full names count (any
    case); anything else is one error with a suggestion; a day named twice is an error."""
    from runstrength.domain import Athlete

    ok = Athlete.model_validate({"availability": {"Wednesday": ["18:00-19:00"],
                                                  "FRI": ["07:00-08:00"]},
                                 "preferences": {"days": ["Monday", "sat"]}})
    assert set(ok.availability) == {"wed", "fri"} and ok.preferences.days == ["mon", "sat"]
    for key, hint in (("wedn", "'wed'"), ("weds", "'wed'"), ("thurs", "'thu'"),
                      ("frid", "'fri'")):
        with pytest.raises(ValueError, match=f"{key!r} is not a weekday; did you mean {hint}"):
            Athlete.model_validate({"availability": {key: ["18:00-19:00"]}})
    with pytest.raises(ValueError, match="'fri' and 'Friday' both name fri"):
        Athlete.model_validate({"availability": {"fri": ["07:00-08:00"],
                                                 "Friday": ["18:00-19:00"]}})
    with pytest.raises(ValueError, match="'tues' is not a weekday"):
        Athlete.model_validate({"preferences": {"days": ["tues"]}})


def test_overlapping_and_repeated_blackouts_are_merged():
    """Regression (issue 10, item 3): two overlapping blackouts over a week crashed the fix
    combination. Overlapping, touching and repeated blackouts are one, reasons joined."""
    athlete = Athlete.model_validate({"timezone": "UTC", "blackouts": [
        {"start": "2027-03-10", "end": "2027-03-14", "reason": "conference"},
        {"start": "2027-03-08", "end": "2027-03-12", "reason": "trip"},
        {"start": "2027-03-08", "end": "2027-03-12", "reason": "trip"},
        {"start": "2027-03-15", "end": "2027-03-15"},
        {"start": "2027-04-01", "end": "2027-04-02", "reason": "Easter"}]})
    assert [(str(b.start), str(b.end), b.reason) for b in athlete.blackouts] == [
        ("2027-03-08", "2027-03-15", "trip; conference"), ("2027-04-01", "2027-04-02", "Easter")]


def test_overlapping_windows_are_merged():
    """Regression (issue 10, item 4): 200 windows a day hung the planner. Overlapping and
    touching windows of a day are one."""
    windows = [f"{6 + i // 12:02d}:{i % 12 * 5:02d}-{6 + (i + 3) // 12:02d}:{(i + 3) % 12 * 5:02d}"
               for i in range(200)]
    athlete = Athlete.model_validate({"timezone": "UTC", "availability": {
        "mon": windows, "tue": ["18:00-19:00", "06:00-07:00", "18:30-20:00"]}})
    assert [str(w) for w in athlete.availability["mon"]] == ["06:00-22:50"]
    assert [str(w) for w in athlete.availability["tue"]] == ["06:00-07:00", "18:00-20:00"]
