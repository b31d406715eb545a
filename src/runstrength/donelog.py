"""Read the athlete's done log: a CSV of the strength work they actually did.

The first row is the header ``date,exercise,sets,reps,load``. Every one of those columns must
be there and no others; case and spaces around the names do not matter. Each later row says
what was done on one day:

* ``date``: the day, as YYYY-MM-DD.
* ``exercise``: the exercise's name as the plan wrote it, or ``skipped`` for a day whose
  whole session did not happen (a skipped row leaves sets, reps and load empty).
* ``sets``: a whole number from 1 to 20.
* ``reps``: what was counted per set: ``8``, a hold such as ``30 s``, or ``8/side``.
* ``load``: may be empty. ``16 kg``, ``35 lb`` and ``2 x 10 kg`` (a pair of dumbbells of
  10 kg each) are read as weights. Anything else (``bodyweight``, ``red band``) is kept as
  plain text.

Each row takes one line; quote a value that holds a comma. Blank lines and lines starting
with ``#`` are skipped. The file is UTF-8, with or without a byte-order mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from runstrength.errors import InputError

__all__ = ["DoneLog", "Entry", "next_load", "parse_log", "read_log", "template"]

COLUMNS = ("date", "exercise", "sets", "reps", "load")
HEADER = ",".join(COLUMNS)
#: Most exercise and skipped rows one log may hold.
ROW_CAP = 20_000
MAX_SETS = 20
#: Kilograms in one pound.
LB = 0.45359237

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# "16 kg", "16kg", "35 lbs", "2 x 10 kg", "12,5 kg"; no unit is caught and refused
_LOAD = re.compile(r"(?:([0-9]+)\s*[x×*]\s*)?([0-9]+(?:[.,][0-9]+)?)\s*(kgs?|lbs?)?",
                   re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One row of the log: an exercise done on ``day``, or (``skipped``) a day not trained."""

    day: dt.date
    exercise: str  # as written (stripped); "" for a skipped row
    skipped: bool
    sets: int = 0
    reps: str = ""
    reps_count: int | None = None  # the number ``reps`` starts with
    load: str = ""  # as written
    kg: float | None = None  # of one weight ("2 x 10 kg" is 10), pounds converted
    unit: str = ""  # "kg" or "lb" as written; "" when the load is not a weight
    count: int = 1  # weights held: 2 for "2 x 10 kg"
    row: int = 0  # line number in the file; the header is line 1


def unknown_names(log: DoneLog, names: list[str]) -> list[str]:
    """A warning for each exercise of ``log`` that is none of ``names`` (the exercises the
    models know), with the nearest name: a typo would leave the lift without its log."""
    import difflib

    known = {_key(n): n for n in names}
    out, seen = [], set()
    for e in log.entries:
        key = _key(e.exercise)
        if e.skipped or key in known or key in seen:
            continue
        seen.add(key)
        near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
        hint = f" (did you mean {known[near[0]]!r}?)" if near else ""
        out.append(f"{log.path}, line {e.row}: {e.exercise!r} is no exercise runstrength "
                   f"plans{hint}; its loads are not used")
    return out


@dataclass(frozen=True)
class DoneLog:
    """The rows of one log file, in file order."""

    path: str  # as given, for messages
    entries: tuple[Entry, ...]

    def skipped_days(self) -> set[dt.date]:
        return {e.day for e in self.entries if e.skipped}

    def done_days(self) -> set[dt.date]:
        """Days with at least one exercise row."""
        return {e.day for e in self.entries if not e.skipped}

    def last(self, exercise: str, before: dt.date) -> Entry | None:
        """The latest entry of ``exercise`` (case and spacing ignored) strictly before
        ``before``; of several on that day, the heaviest, then the one written last."""
        key = _key(exercise)
        earlier = [e for e in self.entries
                   if not e.skipped and e.day < before and _key(e.exercise) == key]
        if not earlier:
            return None
        day = max(e.day for e in earlier)
        return max((e for e in earlier if e.day == day),
                   key=lambda e: (e.kg is not None, e.kg or 0.0, e.row))


def read_log(path: str | Path, data: bytes | None = None) -> DoneLog:
    """The log at ``path``; with ``data``, those bytes instead (``path`` only names them)."""
    from runstrength.fileio import read_input

    name = str(path)
    if data is None:
        data = read_input(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}: not UTF-8 text (line {line}); save it as UTF-8") from None
    return parse_log(text, name)


def parse_log(text: str, path: str) -> DoneLog:
    """The log in ``text``; ``path`` names it in messages."""
    rows = _rows(text.removeprefix("\ufeff"), path)
    first = next(rows, None)
    if first is None:
        raise InputError(f"{path}: empty (expected a header {HEADER})")
    columns = _header(*first, path)
    entries: list[Entry] = []
    for line, cells in rows:
        where = f"{path}, line {line}"
        if len(cells) > len(columns):
            if any(cells[len(columns):]):
                raise InputError(f"{where}: {len(cells)} values, but the header has "
                                 f"{len(columns)} columns")
            cells = cells[:len(columns)]
        if len(entries) == ROW_CAP:
            raise InputError(f"{path}: more than {ROW_CAP:,} rows; start a new log")
        cell = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        entries.append(_entry(cell, where, line))
    return DoneLog(path=path, entries=tuple(entries))


def next_load(entry: Entry, step_percent: float, round_to: float) -> str | None:
    """The load to try after ``entry``, written like it ("17 kg", "2 x 11 kg", "40 lb").

    The weight goes up by ``step_percent`` and is rounded to the nearest ``round_to``, and it
    goes up by at least one ``round_to`` whatever the rounding. For a load in pounds the step
    is ``round_to * 2`` lb. None when the entry's load is not a weight.
    """
    if entry.kg is None:
        return None
    if round_to <= 0:
        raise ValueError(f"round_to must be positive, got {round_to}")
    pounds = entry.unit == "lb"
    step = round_to * 2 if pounds else round_to
    written = _LOAD.fullmatch(entry.load)
    if written and written[3]:
        amount = float(written[2].replace(",", "."))  # exactly as written, in its unit
    else:
        amount = entry.kg / LB if pounds else entry.kg
    rounded = math.floor(amount * (1 + step_percent / 100) / step + 0.5) * step
    number = f"{max(rounded, amount + step):.3f}".rstrip("0").rstrip(".")
    prefix = f"{entry.count} x " if entry.count > 1 else ""
    return f"{prefix}{number} {'lb' if pounds else 'kg'}"


def template(rows: list[tuple[dt.date, str, int, str]]) -> str:
    """A log to fill in: the header, one row per (day, exercise, sets, reps) with the load
    empty, and a commented-out example of a skipped day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for day, name, sets, reps in rows:
        # a line break inside a value would split the row: the log is one row per line
        writer.writerow([day.isoformat(), " ".join(name.split()), sets,
                         " ".join(str(reps).split()), ""])
    out.write("# 2027-01-13,skipped,,,\n")
    return out.getvalue()


def _rows(text: str, path: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped cells) of each line that is not blank or a comment."""
    # lines end at \n, \r\n or \r only (str.splitlines would also split at U+2028 and others)
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader([line], skipinitialspace=True, strict=True), [])
        except csv.Error as exc:
            if "end of data" in str(exc):
                raise InputError(f"{path}, line {number}: a quote opens and is not closed "
                                 "on this line") from None
            raise InputError(f"{path}, line {number}: {exc}") from None
        cells = [c.strip() for c in cells]
        if any(cells):
            yield number, cells


def _header(line: int, cells: list[str], path: str) -> list[str]:
    """The column names of the header row, checked."""
    must = f"(the header must be {HEADER})"
    if _DATE.fullmatch(cells[0]):
        raise InputError(f"{path}, line {line}: this is a row of data; the first row must be "
                         f"the header {HEADER}")
    names = [c.lower() for c in cells]
    for i, name in enumerate(names, start=1):
        if not name:
            raise InputError(f"{path}: column {i} of the header has no name {must}")
        if name not in COLUMNS:
            raise InputError(f"{path}: unknown column {cells[i - 1]!r} {must}")
        if name in names[:i - 1]:
            raise InputError(f"{path}: column {name!r} appears twice {must}")
    for name in COLUMNS:
        if name not in names:
            raise InputError(f"{path}: missing column {name!r} {must}")
    return names


def _entry(cell: dict[str, str], where: str, row: int) -> Entry:
    """The entry for one data row (``cell``: column name -> stripped value)."""
    text = cell["date"]
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{where}: date: expected YYYY-MM-DD, got {text!r}") from None
    name = cell["exercise"]
    if not name:
        raise InputError(f"{where}: exercise: missing (write the exercise's name, or skipped)")
    if name.lower() == "skipped":
        if cell["sets"] or cell["reps"] or cell["load"]:
            raise InputError(f"{where}: a skipped row has no sets, reps or load")
        return Entry(day=day, exercise="", skipped=True, row=row)
    sets = cell["sets"]
    if not (sets or cell["reps"] or cell["load"]) and _near_skipped(name):
        raise InputError(f"{where}: exercise: {name!r} with no sets, reps or load: did you mean "
                         "'skipped'?")
    if not (re.fullmatch(r"[0-9]{1,3}", sets) and 1 <= int(sets) <= MAX_SETS):
        raise InputError(f"{where}: sets: expected a whole number 1-{MAX_SETS}, got {sets!r}")
    reps = cell["reps"]
    if not reps:
        raise InputError(f"{where}: reps: missing (write e.g. 8, 30 s or 8/side)")
    count = re.match(r"[0-9]+", reps)
    if count and len(count[0]) > 4:
        raise InputError(f"{where}: reps: {reps!r} is more than anyone counts in one set")
    kg, unit, weights = _load(cell["load"], where)
    return Entry(day=day, exercise=name, skipped=False, sets=int(sets), reps=reps,
                 reps_count=int(count[0]) if count else None, load=cell["load"], kg=kg,
                 unit=unit, count=weights, row=row)


def _near_skipped(name: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, name.lower(), "skipped").ratio() >= 0.7


def _load(text: str, where: str) -> tuple[float | None, str, int]:
    """(kg of one weight, unit as written, how many weights) of a load; (None, "", 1) for
    text that is not a weight, such as "bodyweight"."""
    m = _LOAD.fullmatch(text)
    if not m:
        return None, "", 1
    if not m[3]:
        raise InputError(f"{where}: load: {text!r} has no unit; write e.g. 16 kg or 35 lb")
    weights = int(m[1]) if m[1] and len(m[1]) <= 2 else (0 if m[1] else 1)
    amount = float(m[2].replace(",", "."))
    if not (1 <= weights <= 10 and amount <= 1000):
        raise InputError(f"{where}: load: {text!r} is not a weight anyone lifts")
    if m[3].lower().startswith("lb"):
        return round(amount * LB, 1), "lb", weights
    return amount, "kg", weights


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
