"""CSV import: TrainingPeaks workouts exports and plain date,start,duration_min,title tables."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from runstrength.domain import Athlete, RunKind
from runstrength.errors import InputError
from runstrength.importers.csv import read_csv

DATA = Path(__file__).resolve().parent / "data"
LONDON = ZoneInfo("Europe/London")


def athlete() -> Athlete:
    return Athlete(id="t", timezone="Europe/London", run_time="07:00", run_minutes=60)


def read(name: str, k, start=None, end=None):
    return read_csv((DATA / name).read_bytes(), name, athlete(), k, start, end)


def minutes(run) -> float:
    return (run.end - run.start) / dt.timedelta(minutes=1)


def at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


def test_trainingpeaks_export(k):
    """Run rows become all-day runs; Bike, Strength, Day Off, Other and Walk rows are skipped."""
    s = read("import_trainingpeaks.csv", k)
    assert [(r.title, r.kind, r.start) for r in s.runs] == [
        ("Easy run-walk", RunKind.EASY, at("2027-03-02", "07:00")),
        ("Intervals 6x1 min", RunKind.INTERVALS, at("2027-03-04", "07:00")),
        ("Run", RunKind.EASY, at("2027-03-05", "07:00")),  # untitled watch upload
        ("Spreeufer 10K", RunKind.RACE, at("2027-03-07", "07:00")),  # kind from description
    ]
    # PlannedDuration (hours), else TimeTotalInHours, else run_minutes
    assert [round(minutes(r)) for r in s.runs] == [30, 30, 60, 75]
    assert all(r.all_day for r in s.runs) and s.busy == []
    # a multi-line description before it: the source names the row's first line
    assert s.runs[1].source == "import_trainingpeaks.csv: line 8"


def test_plain_csv(k):
    """Plain rows are runs with their own times; no time means run_time; Bike: rows skipped."""
    s = read("import_plain.csv", k)
    assert [(r.title, r.kind, r.start, minutes(r), r.all_day) for r in s.runs] == [
        ("Easy 10 km", RunKind.EASY, at("2027-03-01", "05:30"), 55, False),
        ("Hills 8x30s", RunKind.HILLS, at("2027-03-02", "05:30"), 60, False),
        ("Tempo 5 km, then strides", RunKind.TEMPO, at("2027-03-03", "07:00"), 60, True),
        ("Long run 24 km", RunKind.LONG, at("2027-03-07", "06:00"), 130, False),
    ]


def test_plain_csv_loose_header_and_type(k):
    """Semicolons, header aliases, am/pm times and a type column for busy rows and other sports."""
    s = read("import_plain_typed.csv", k)
    assert [(r.title, r.kind, r.start) for r in s.runs] == [
        ("Morning jog", RunKind.EASY, at("2027-03-01", "06:00")),
        ("Club session", RunKind.TEMPO, at("2027-03-03", "19:30")),
    ]
    assert [(b.title, b.start, b.end) for b in s.busy] == [
        ("Office", at("2027-03-01", "09:00"), at("2027-03-01", "17:00"))
    ]  # the swim is skipped; the all-day dentist row is not busy time


def test_window_filters(k):
    """Only rows between start and end are kept."""
    s = read("import_plain.csv", k, dt.date(2027, 3, 2), dt.date(2027, 3, 3))
    assert [r.start.date().day for r in s.runs] == [2, 3]


def test_missing_column(k):
    """A missing required column names the file and the column."""
    with pytest.raises(InputError, match=r"^import_missing_column\.csv: missing column 'date'"):
        read("import_missing_column.csv", k)
    data = b'"Title","WorkoutDay"\n"Easy","2027-03-01"\n'
    with pytest.raises(InputError, match=r"^tp\.csv: missing column 'WorkoutType'"):
        read_csv(data, "tp.csv", athlete(), k, None, None)


def test_bad_date(k):
    """A bad value names the file, the row's line (after a multi-line cell) and the column."""
    with pytest.raises(InputError) as err:
        read("import_bad_date.csv", k)
    assert str(err.value) == (
        "import_bad_date.csv: line 5: column date: '03/04/2027' is not a date; write YYYY-MM-DD"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (b"2027-03-01,25:00,50,Easy", "line 2: column start: '25:00' is not a time of day"),
        (b"2027-03-01,6:00 pm,soon,Easy", "line 2: column duration_min: 'soon' is not a length"),
        (b"2027-03-01,13:00 pm,50,Easy", "line 2: column start: '13:00 pm' is not a time"),
        (b"2027-03-01,06:00,-5,Easy", "line 2: column duration_min: '-5' is not a length"),
    ],
)
def test_bad_values(k, row, message):
    """Bad times and lengths are InputErrors naming line and column."""
    data = b"date,start,duration_min,title\n" + row + b"\n"
    with pytest.raises(InputError, match=rf"^x\.csv: {re.escape(message)}"):
        read_csv(data, "x.csv", athlete(), k, None, None)


@pytest.mark.parametrize(
    "encode",
    [lambda t: codecs.BOM_UTF8 + t.encode(), lambda t: t.encode("utf-16"),
     lambda t: t.encode("cp1252")],
    ids=["utf-8-bom", "utf-16", "cp1252"],
)
def test_encodings(k, encode):
    """BOMs are not part of the first column name; UTF-16 and Windows-1252 decode."""
    data = encode("date,start,duration_min,title\r\n2027-03-01,06:00,40,Dauerlauf \u2013 Köln\r\n")
    s = read_csv(data, "x.csv", athlete(), k, None, None)
    assert [r.title for r in s.runs] == ["Dauerlauf \u2013 Köln"]


def test_trainingpeaks_bad_duration(k):
    """A PlannedDuration that is not decimal hours names line and column."""
    data = (b'"Title","WorkoutType","PlannedDuration","WorkoutDay"\n'
            b'"Easy","Run","1:00","2027-03-01"\n')
    with pytest.raises(InputError, match=r"^tp\.csv: line 2: column PlannedDuration: '1:00'"):
        read_csv(data, "tp.csv", athlete(), k, None, None)


def test_empty_files(k):
    """An empty file is an InputError; a header without rows is an empty schedule."""
    with pytest.raises(InputError, match=r"^x\.csv: the file is empty"):
        read_csv(b"  \n", "x.csv", athlete(), k, None, None)
    s = read_csv(b"date,title\n", "x.csv", athlete(), k, None, None)
    assert s.runs == [] and s.busy == []


def test_trainingpeaks_export_without_workoutday_names_that_column(k):
    """A TrainingPeaks export lacking WorkoutDay is still recognised, and the column named."""
    data = b'"Title","WorkoutType","WorkoutDescription","PlannedDuration"\n"Easy","Run","","0.5"\n'
    with pytest.raises(InputError, match="missing column 'WorkoutDay'"):
        read_csv(data, "tp.csv", athlete(), k, None, None)


def test_binary_csv_is_not_text(k):
    """Binary bytes with a .csv name are reported as not a CSV text file."""
    with pytest.raises(InputError, match=r"^bin\.csv: not a CSV text file"):
        read_csv(bytes(range(256)) * 4, "bin.csv", athlete(), k, None, None)


def test_an_unclosed_quote_is_an_error_naming_its_line(k):
    """Regression (issue 10, item 8): an unclosed quote silently swallowed the rest of the
    runs (exit 0). It is one error naming the line where the quote opens."""
    data = (b"date,start,duration_min,title\n2027-03-01,07:00,45,Easy\n"
            b'2027-03-02,07:00,45,"Tempo 3x10 min\n2027-03-03,07:00,45,Easy\n'
            b"2027-03-04,07:00,90,Long run\n")
    with pytest.raises(InputError, match=r"^x\.csv: line 3: a quote opens here and is never "
                                         r"closed"):
        read_csv(data, "x.csv", athlete(), k, None, None)


def test_line_separators_inside_a_title_are_text(k):
    """Regression (issue 10, item 8): U+2028, a form feed or U+0085 in an unquoted title was
    taken as a line end (wrong line, bogus value). They are text, and the title is one
    printable line."""
    data = ("date,start,duration_min,title\n2027-03-01,07:00,45,Easy\u2028run\n"
            "2027-03-02,07:00,45,Hills\x0c8x30s\n2027-03-03,07:00,45,Long\x85run\n").encode()
    s = read_csv(data, "x.csv", athlete(), k, None, None)
    assert [r.title for r in s.runs] == ["Easy run", "Hills 8x30s", "Long run"]
    assert [r.kind for r in s.runs] == [RunKind.EASY, RunKind.HILLS, RunKind.LONG]


def test_durations_are_real_elapsed_time_over_a_clock_change(k):
    """Regression (issue 10, item 6): a 180-minute busy block over the spring-forward night
    was counted as 120 minutes (wall-clock arithmetic). It lasts 180 real minutes."""
    data = (b"date,start,duration_min,title,type\n2027-03-28,00:30,180,Night shift,busy\n"
            b"2027-03-28,07:00,60,Easy,run\n")
    s = read_csv(data, "x.csv", athlete(), k, None, None)
    [block] = s.busy
    assert block.end.astimezone(dt.UTC) - block.start.astimezone(dt.UTC) == dt.timedelta(
        minutes=180)
    assert block.end.strftime("%H:%M %Z") == "04:30 BST"
