"""importers.lines: the plain lines split by one match give icalendar's own parts."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline

from runstrength.importers import decode
from runstrength.importers.lines import Line, content_lines

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/data/*.ics"), *ROOT.glob("scenarios/**/*.ics")])


def parts(line: str, cls) -> tuple:
    """(name, parameters, value), or the error icalendar raises for the line."""
    try:
        name, params, value = cls(line).parts()
    except ValueError as exc:
        return ("error", str(exc))
    return name, type(params), dict(params), value


def test_the_bundled_files_are_found():
    assert len(FILES) > 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_line_of_a_real_file_splits_as_icalendar_splits_it(path):
    lines = content_lines(decode(path.read_bytes()))
    assert all(isinstance(line, Line) for line in lines if line)
    for line in lines:
        if line:
            assert parts(line, Line) == parts(line, Contentline), line


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_real_file_parses_to_the_same_calendar(path):
    text = decode(path.read_bytes())
    text = text if text.endswith("\n") else text + "\r\n"
    ours = calendars(content_lines(text))
    assert ours == calendars(text)
    assert ours[0] != "error" or path.name == "import_bad_line.ics"


def calendars(data) -> tuple:
    """Each calendar's bytes and every component's parse errors, or the parse error."""
    try:
        found = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError as exc:
        return ("error", str(exc))
    return tuple((c.to_ical(), [part.errors for part in c.walk()]) for c in found)


@pytest.mark.parametrize("line", [
    "DTSTART;TZID=Europe/London:20270104T063000",
    "DTSTART;VALUE=DATE:20270104",
    "SUMMARY:Run: Intervals 5x800m",
    "X-WR-CALNAME:Sam's runs",
    "ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Sam:mailto:sam@example.org",
])
def test_a_plain_line_is_split_without_icalendar(line, monkeypatch):
    expected = parts(line, Contentline)

    def refuse(self):
        raise AssertionError("the character-by-character split ran")

    monkeypatch.setattr(Contentline, "raw_parts", refuse)
    assert parts(line, Line) == expected
    assert expected[0] == line.split(":", 1)[0].split(";", 1)[0]


@pytest.mark.parametrize("line", [
    'ATTENDEE;CN="Keller, Sam":mailto:sam@example.org',  # a quoted value
    "CATEGORIES;X-A=a,b:RUN",  # a list
    "SUMMARY;LANGUAGE=en ;X=1:Run",  # blanks around a separator
    "DESCRIPTION;X-NOTE=50^'%:Run",  # RFC 6868, a percent sign
    "SUMMARY;:Run",  # an empty parameter section: an error
    "SUM MARY:Run",
    "SUMMARY",
    ":Run",
    "DTSTART;TZID=:20270104T063000",
    "DTSTART;TZID=A;TZID=B:20270104T063000",  # the later wins, in both
    r"DESCRIPTION:Rest day\, hydrate\nthen sleep\\",
])
def test_other_lines_split_as_icalendar_splits_them(line):
    assert parts(line, Line) == parts(line, Contentline)


_PIECES = ["DTSTART", "X-A", "tzid", "VALUE", "=", ";", ":", ",", '"', "\\", "^", "%", " ",
           "\t", "a", "Europe/London", "20270104T063000", "é", "\x01", "2C", "n", "'"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14).map("".join))
def test_any_line_splits_as_icalendar_splits_it(line):
    assert parts(line, Line) == parts(line, Contentline)
