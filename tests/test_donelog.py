"""The done log: parsing, the latest earlier entry, the next load, the template, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from runstrength.donelog import ROW_CAP, DoneLog, Entry, next_load, parse_log, read_log, template
from runstrength.errors import InputError

EXAMPLE = """\
date,exercise,sets,reps,load
2027-01-11,Romanian deadlift,3,8,16 kg
2027-01-11,Split squat,3,10,2 x 10 kg
2027-01-13,skipped,,,
2027-01-15,Side plank,3,30 s,bodyweight
"""
HEADER = "date,exercise,sets,reps,load\n"
JAN = {d: dt.date(2027, 1, d) for d in range(1, 32)}


def log_of(*rows: str) -> DoneLog:
    return parse_log(HEADER + "".join(f"{r}\n" for r in rows), "done.csv")


def error_of(text: str | bytes, tmp_path: Path, name: str = "done.csv") -> str:
    """The message of the InputError that reading ``text`` from a file ``name`` raises."""
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    with pytest.raises(InputError) as info:
        read_log(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message.removeprefix(str(path))


# --- parsing ------------------------------------------------------------------------------


def test_reads_the_example_file(tmp_path: Path) -> None:
    path = tmp_path / "done.csv"
    path.write_text(EXAMPLE, encoding="utf-8")
    log = read_log(path)
    assert log.path == str(path)
    assert log.entries == (
        Entry(JAN[11], "Romanian deadlift", False, 3, "8", 8, "16 kg", 16.0, "kg", 1, row=2),
        Entry(JAN[11], "Split squat", False, 3, "10", 10, "2 x 10 kg", 10.0, "kg", 2, row=3),
        Entry(JAN[13], "", True, row=4),
        Entry(JAN[15], "Side plank", False, 3, "30 s", 30, "bodyweight", None, "", 1, row=5),
    )


def test_skipped_and_done_days() -> None:
    log = parse_log(EXAMPLE, "done.csv")
    assert log.skipped_days() == {JAN[13]}
    assert log.done_days() == {JAN[11], JAN[15]}


def test_loads_are_parsed_into_kg_unit_and_count() -> None:
    log = log_of("2027-01-11,A,3,8,16kg", "2027-01-11,B,3,8,35 lb", "2027-01-11,C,3,8,2x20 LBS",
                 "2027-01-11,D,3,8,red band", "2027-01-11,E,3,8,", "2027-01-11,F,3,8,12.5 KG")
    got = [(e.load, e.kg, e.unit, e.count) for e in log.entries]
    assert got == [
        ("16kg", 16.0, "kg", 1),
        ("35 lb", 15.9, "lb", 1),  # 35 x 0.45359237 = 15.876...
        ("2x20 LBS", 9.1, "lb", 2),  # each
        ("red band", None, "", 1),
        ("", None, "", 1),
        ("12.5 KG", 12.5, "kg", 1),
    ]


def test_reps_are_kept_as_written_with_their_leading_number() -> None:
    log = log_of("2027-01-11,A,3, 30 s ,", "2027-01-11,B,2,45s,", "2027-01-11,C,3,8/side,",
                 "2027-01-11,D,1,AMRAP,")
    assert [(e.reps, e.reps_count) for e in log.entries] == [
        ("30 s", 30), ("45s", 45), ("8/side", 8), ("AMRAP", None)]


def test_comments_blank_lines_bom_spaces_and_header_case_are_accepted() -> None:
    text = ("\ufeff# my log\n\n Date , EXERCISE,Sets,reps , Load\r\n"
            "# 2027-01-10,skipped,,,\r\n\r\n"
            '2027-01-11, "Push-up, incline",3,12,\r\n'
            "  # an indented comment\n"
            "2027-01-12 , Skipped ,,,\n")
    log = parse_log(text, "done.csv")
    assert [(e.row, e.exercise, e.skipped) for e in log.entries] == [
        (6, "Push-up, incline", False), (8, "", True)]


def test_read_log_uses_given_bytes_and_names_the_path(tmp_path: Path) -> None:
    log = read_log(tmp_path / "nowhere.csv", data=b"\xef\xbb\xbf" + EXAMPLE.encode())
    assert log.path == str(tmp_path / "nowhere.csv")
    assert len(log.entries) == 4


def test_a_header_alone_is_an_empty_log() -> None:
    log = parse_log(HEADER, "done.csv")
    assert log.entries == ()
    assert log.done_days() == set()


def test_the_row_cap_is_allowed_but_not_exceeded() -> None:
    rows = "".join(f"2027-01-11,Squat,3,8,{i % 50} kg\n" for i in range(ROW_CAP))
    assert len(parse_log(HEADER + rows, "done.csv").entries) == ROW_CAP
    with pytest.raises(InputError, match=r"^done\.csv: more than 20,000 rows"):
        parse_log(HEADER + rows + "2027-01-12,Squat,3,8,\n", "done.csv")


# --- last() ------------------------------------------------------------------------------


def test_last_takes_the_latest_earlier_day() -> None:
    log = log_of("2027-01-04,Romanian deadlift,3,8,14 kg",
                 "2027-01-11,Romanian deadlift,3,8,16 kg",
                 "2027-01-08,Romanian deadlift,3,8,15 kg",  # out of order in the file
                 "2027-01-15,Romanian deadlift,3,8,18 kg",  # same day as asked: not before
                 "2027-01-20,Romanian deadlift,3,8,20 kg",
                 "2027-01-14,Split squat,3,10,30 kg",
                 "2027-01-14,skipped,,,")
    entry = log.last("Romanian deadlift", before=JAN[15])
    assert entry is not None
    assert (entry.day, entry.load) == (JAN[11], "16 kg")
    assert log.last("Romanian deadlift", before=JAN[11]).load == "15 kg"
    assert log.last("Romanian deadlift", before=JAN[4]) is None
    assert log.last("Goblet squat", before=JAN[31]) is None


def test_last_matches_names_ignoring_case_and_spacing() -> None:
    log = log_of("2027-01-11,  Romanian   Deadlift ,3,8,16 kg")
    entry = log.last("romanian deadlift", before=JAN[12])
    assert entry is not None
    assert entry.exercise == "Romanian   Deadlift"
    assert log.last("ROMANIAN  DEADLIFT", before=JAN[12]) == entry


def test_last_on_a_day_with_several_entries_takes_the_heaviest_then_the_last_row() -> None:
    log = log_of("2027-01-11,Squat,3,8,20 kg", "2027-01-11,Squat,2,8,50 lb",
                 "2027-01-11,Squat,1,8,bodyweight", "2027-01-11,Squat,1,5,22.7 kg")
    # 50 lb is 22.7 kg: a tie, so the row written later wins
    assert log.last("squat", before=JAN[12]).row == 5
    tie = log_of("2027-01-11,Squat,3,8,bodyweight", "2027-01-11,Squat,3,8,band")
    assert tie.last("Squat", before=JAN[12]).load == "band"


# --- next_load() -------------------------------------------------------------------------


def entry(load: str) -> Entry:
    return log_of(f"2027-01-11,Squat,3,8,{load}").entries[0]


def test_next_load_in_kg() -> None:
    assert next_load(entry("16 kg"), 5, 1) == "17 kg"
    assert next_load(entry("20kg"), 10, 2.5) == "22.5 kg"


def test_next_load_for_a_pair_of_dumbbells() -> None:
    assert next_load(entry("2 x 10 kg"), 5, 1) == "2 x 11 kg"


def test_next_load_in_pounds_rounds_to_twice_the_step() -> None:
    assert next_load(entry("40 lb"), 5, 1) == "42 lb"
    assert next_load(entry("35 lb"), 5, 2.5) == "40 lb"  # 36.75 rounds down: one 5 lb step up
    assert next_load(entry("2 x 40 lb"), 10, 2) == "2 x 44 lb"


def test_next_load_always_goes_up_at_least_one_step() -> None:
    assert next_load(entry("4 kg"), 5, 1) == "5 kg"  # 4.2 rounds back to 4
    assert next_load(entry("3 kg"), 0, 0.5) == "3.5 kg"


def test_next_load_without_a_weight_is_none() -> None:
    assert next_load(entry("bodyweight"), 5, 1) is None
    assert next_load(entry(""), 5, 1) is None
    with pytest.raises(ValueError, match="round_to"):
        next_load(entry("16 kg"), 5, 0)


# --- template() ---------------------------------------------------------------------------


def test_template_fills_in_and_reads_back() -> None:
    text = template([(JAN[11], "Romanian deadlift", 3, "8"), (JAN[13], "Side plank", 3, "30 s")])
    assert text.splitlines() == [
        "date,exercise,sets,reps,load",
        "2027-01-11,Romanian deadlift,3,8,",
        "2027-01-13,Side plank,3,30 s,",
        "# 2027-01-13,skipped,,,",
    ]
    assert parse_log(text, "done.csv").entries[0].kg is None
    filled = text.replace(",8,\n", ",8,16 kg\n").replace(",30 s,\n", ",30 s,bodyweight\n")
    log = parse_log(filled, "done.csv")
    assert [(e.day, e.exercise, e.sets, e.reps, e.kg) for e in log.entries] == [
        (JAN[11], "Romanian deadlift", 3, "8", 16.0), (JAN[13], "Side plank", 3, "30 s", None)]
    assert log.skipped_days() == set()  # the example stays a comment


def test_template_quotes_a_name_with_a_comma() -> None:
    text = template([(JAN[11], 'Push-up, "incline"', 2, "10")])
    assert text.splitlines()[1] == '2027-01-11,"Push-up, ""incline""",2,10,'
    assert parse_log(text, "done.csv").entries[0].exercise == 'Push-up, "incline"'


# --- errors ------------------------------------------------------------------------------


def test_sets_not_a_number(tmp_path: Path) -> None:
    text = EXAMPLE.replace("Side plank,3,", "Side plank,three,")
    assert error_of(text, tmp_path) == ", line 5: sets: expected a whole number 1-20, got 'three'"


@pytest.mark.parametrize("sets", ["0", "21", "", "2.5", "-1"])
def test_sets_out_of_range(sets: str) -> None:
    with pytest.raises(InputError, match=rf"^done\.csv, line 2: sets: .* got '{sets}'$"):
        log_of(f"2027-01-11,Squat,{sets},8,")


@pytest.mark.parametrize("day", ["11/01/2027", "2027-02-30", "20270111", ""])
def test_date_not_iso(day: str, tmp_path: Path) -> None:
    message = error_of(f"{HEADER}{day},Squat,3,8,\n", tmp_path)
    assert message == f", line 2: date: expected YYYY-MM-DD, got {day!r}"


def test_a_skipped_row_with_values(tmp_path: Path) -> None:
    text = EXAMPLE + "2027-01-17,SKIPPED,,,16 kg\n"
    assert error_of(text, tmp_path) == ", line 6: a skipped row has no sets, reps or load"


def test_missing_column(tmp_path: Path) -> None:
    assert error_of("date,exercise,sets,load\n", tmp_path) == (
        ": missing column 'reps' (the header must be date,exercise,sets,reps,load)")


def test_unknown_column(tmp_path: Path) -> None:
    message = error_of("date,exercise,sets,reps,Weight\n2027-01-11,Squat,3,8,16 kg\n", tmp_path)
    assert message.startswith(": unknown column 'Weight' (the header must be date,")


def test_duplicate_and_unnamed_columns(tmp_path: Path) -> None:
    assert "column 'sets' appears twice" in error_of(HEADER.strip() + ",SETS\n", tmp_path)
    assert "column 6 of the header has no name" in error_of(HEADER.strip() + ",,x\n", tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    data = (HEADER + "2027-01-11,Kniebeuge gr").encode() + b"\xfc\xdfe,3,8,\n"
    assert error_of(data, tmp_path).startswith(": not UTF-8 text (line 2)")


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff", "# only a comment\n", ",,,,\n"])
def test_empty_file(text: str, tmp_path: Path) -> None:
    assert error_of(text, tmp_path) == ": empty (expected a header date,exercise,sets,reps,load)"


def test_no_such_file(tmp_path: Path) -> None:
    path = tmp_path / "done.csv"
    with pytest.raises(InputError, match=r"done\.csv: file not found$") as info:
        read_log(path)
    assert str(info.value) == f"{path}: file not found"


def test_a_directory_is_not_a_log(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_log(tmp_path)


def test_data_without_a_header(tmp_path: Path) -> None:
    message = error_of("2027-01-11,Squat,3,8,16 kg\n", tmp_path)
    assert message.startswith(", line 1: this is a row of data; the first row must be the header")


def test_row_errors(tmp_path: Path) -> None:
    cases = {
        "2027-01-11,,3,8,": "exercise: missing",
        "2027-01-11,Squat,3,,": "reps: missing",
        "2027-01-11,Squat,3,8,16": "load: '16' has no unit",
        "2027-01-11,Squat,3,8,0 x 10 kg": "load: '0 x 10 kg' is not a weight",
        "2027-01-11,Squat,3,8,16 kg,extra": "6 values, but the header has 5 columns",
        '2027-01-11,"Squat,3,8,': "a quote opens and is not closed",
        '2027-01-11,"Squat"x,3,8,': "',' expected after '\"'",
    }
    for row, expected in cases.items():
        message = error_of(f"{HEADER}# a comment\n{row}\n", tmp_path)
        assert message.startswith(", line 3: ") and expected in message, (row, message)


def test_trailing_empty_cells_are_allowed() -> None:
    log = log_of("2027-01-11,Squat,3,8,16 kg,,", "2027-01-12,skipped")
    assert [(e.load, e.skipped) for e in log.entries] == [("16 kg", False), ("", True)]
