"""Read a running schedule from CSV: a TrainingPeaks workouts export or a plain table.

TrainingPeaks (recognised by its ``WorkoutDay`` column): one row per workout, a day but no
time. ``WorkoutType`` Run rows are runs (kind from the title, else the description);
Strength rows are the athlete's own strength sessions; Bike, Swim, Day Off, Other... are
skipped; a row without a type is a run (or own strength session) when its title names one.
Length: ``PlannedDuration`` (decimal hours), else ``TimeTotalInHours``, else the profile's
``run_minutes``. The file is a training feed, so nothing in it is busy time.

Plain (``date,start,duration_min,title`` and an optional ``type``; header names are matched
loosely, e.g. ``day``, ``time``, ``minutes``, ``name``): every row is a run unless its title
names another sport, or its type is another sport (skipped) or busy time (``busy``, ``work``);
a row whose title or type names strength work ("Gym - legs", type ``strength``) is the
athlete's own strength session.
A row without a start time starts at the profile's ``run_time``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable

from runstrength.domain import (
    Athlete,
    BusyBlock,
    OwnSession,
    RunKind,
    RunWorkout,
    Schedule,
    after,
    local_at,
    plausible_date,
)
from runstrength.errors import InputError
from runstrength.importers import decode
from runstrength.importers.classify import classify, own_core, own_leg_load, run_kind
from runstrength.knowledge import Knowledge

#: Plain-CSV columns: our name -> accepted header names (lower case, letters and digits only).
PLAIN_COLUMNS = {
    "date": ("date", "day"),
    "start": ("start", "time", "starttime", "startlocal"),
    "duration": ("durationmin", "duration", "minutes", "mins", "durationminutes"),
    "title": ("title", "name", "summary", "workout"),
    "type": ("type", "sport", "kind"),
}
PLAIN_REQUIRED = ("date", "title")
TP_REQUIRED = ("WorkoutDay", "WorkoutType")
#: Columns only a TrainingPeaks export has: any of them marks the file as one.
TP_MARKERS = ("workoutday", "workouttype", "plannedduration", "workoutdescription",
              "planneddistanceinmeters", "timetotalinhours")
#: Most rows one schedule may hold in the season (as for an .ics calendar's events).
ROW_CAP = 20_000
BUSY_TYPES = {"busy", "work", "appointment", "blocked", "event"}

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


def read_csv(
    data: bytes,
    source: str,
    athlete: Athlete,
    knowledge: Knowledge,
    start: dt.date | None,
    end: dt.date | None,
) -> Schedule:
    """Runs (and, in a plain CSV, busy time) between ``start`` and ``end`` (inclusive)."""
    text = decode(data)
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    if "\x00" in text:
        raise InputError(f"{source}: not a CSV text file (it holds binary data)")
    # Lines end at \n, \r\n or \r only: U+2028, U+0085 or a form feed in a title is text
    # (str.splitlines would end the line there and read the rest as a bogus row).
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(lines, delimiter=_delimiter(lines[0]), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"{source}: line 1: {exc}") from None
    is_tp = any(name in TP_MARKERS for name in map(_norm, header))
    parse = _trainingpeaks if is_tp else _plain
    row_to_item = parse(header, source, athlete, knowledge)
    items: list[RunWorkout | BusyBlock | OwnSession] = []
    line = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                item = row_to_item(dict(zip(header, row, strict=False)), line)
                if item is not None and _within(item, start, end):
                    items.append(item)
                    if len(items) > ROW_CAP:
                        raise InputError(f"{source}: more than {ROW_CAP:,} rows in the season; "
                                         "split the file or give a shorter season with "
                                         "--from/--to")
            line = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):  # a quote that never closes
            raise InputError(f"{source}: line {line}: a quote opens here and is never closed "
                             "(the rest of the file would be one cell)") from None
        raise InputError(f"{source}: line {line}: {exc}") from None
    return Schedule(
        runs=sorted((i for i in items if isinstance(i, RunWorkout)), key=lambda r: r.start),
        busy=sorted((i for i in items if isinstance(i, BusyBlock)), key=lambda b: b.start),
        own=sorted((i for i in items if isinstance(i, OwnSession)), key=lambda o: o.start),
    )


_Row = Callable[[dict[str, str], int], RunWorkout | BusyBlock | OwnSession | None]


def _trainingpeaks(header: list[str], source: str, athlete: Athlete, k: Knowledge) -> _Row:
    col = {_norm(h): h for h in header}
    for name in TP_REQUIRED:
        if _norm(name) not in col:
            raise InputError(f"{source}: missing column {name!r} (TrainingPeaks export)")

    def cell(row: dict[str, str], name: str) -> str:
        header_name = col.get(_norm(name))
        return (row.get(header_name) or "").strip() if header_name is not None else ""

    def to_item(row: dict[str, str], line: int) -> RunWorkout | OwnSession | None:
        where = f"{source}: line {line}"
        title, description = cell(row, "Title"), cell(row, "WorkoutDescription")
        sport = cell(row, "WorkoutType").lower()
        untyped = None if sport else classify(title, description, k.classify, athlete.keywords)
        strength = sport == "strength" or untyped == "strength"
        if sport not in ("run", "strength") and untyped in (None, "other", "strength") \
                and not strength:
            return None
        day = _date(cell(row, "WorkoutDay"), f"{where}: column WorkoutDay")
        hours = 0.0
        for column in ("PlannedDuration", "TimeTotalInHours"):  # planned, else done
            if cell(row, column):
                hours = _length(cell(row, column), f"{where}: column {column}", "hours", 24)
                break
        minutes = hours * 60 or athlete.run_minutes
        begin = local_at(day, athlete.run_time, athlete.zone)
        if strength:
            return OwnSession(start=begin, end=after(begin, dt.timedelta(minutes=minutes)),
                              title=title or "Strength", source=where,
                              leg_load=own_leg_load(title, k.classify),
                              core=own_core(title, k.classify))
        return RunWorkout(
            start=begin,
            end=after(begin, dt.timedelta(minutes=minutes)),
            kind=run_kind(title, description, k.classify, athlete.keywords),
            title=title or "Run",
            all_day=True,
            source=where,
        )

    return to_item


def _plain(header: list[str], source: str, athlete: Athlete, k: Knowledge) -> _Row:
    by_norm = {_norm(h): h for h in header}
    col = {
        ours: next((by_norm[a] for a in aliases if a in by_norm), None)
        for ours, aliases in PLAIN_COLUMNS.items()
    }
    for name in PLAIN_REQUIRED:
        if col[name] is None:
            raise InputError(
                f"{source}: missing column {name!r} (a plain CSV needs date and title columns; "
                "start, duration_min and type are optional)"
            )

    def cell(row: dict[str, str], name: str) -> str:
        header_name = col[name]
        return (row.get(header_name) or "").strip() if header_name is not None else ""

    def to_item(row: dict[str, str], line: int) -> RunWorkout | BusyBlock | OwnSession | None:
        where = f"{source}: line {line}"
        title, sport = cell(row, "title"), cell(row, "type").lower()
        title_kind = classify(title, "", k.classify, athlete.keywords)
        sport_kind = classify(sport, "", k.classify, athlete.keywords) if sport else None
        busy = sport in BUSY_TYPES
        strength = "strength" in (sport_kind, title_kind if not sport else None)
        if not strength and (title_kind == "other" or (
                sport and not busy and not isinstance(sport_kind, RunKind))):
            return None
        day = _date(cell(row, "date"), f"{where}: column {col['date']}")
        clock = cell(row, "start")
        at = _clock(clock, f"{where}: column {col['start']}") if clock else None
        length = cell(row, "duration")
        where_length = f"{where}: column {col['duration']}"
        minutes = _length(length, where_length, "minutes", 24 * 60) if length else None
        if busy:
            if at is None or not minutes:
                return None  # all-day or open-ended busy rows are not busy time, as in .ics
            begin = local_at(day, at, athlete.zone)
            return BusyBlock(start=begin, end=after(begin, dt.timedelta(minutes=minutes)),
                             title=title, source=where)
        begin = local_at(day, at or athlete.run_time, athlete.zone)
        if strength:
            return OwnSession(start=begin, end=after(begin, dt.timedelta(
                minutes=minutes or athlete.run_minutes)), title=title or "Strength",
                source=where, leg_load=own_leg_load(title, k.classify),
                              core=own_core(title, k.classify))
        kind = next((x for x in (title_kind, sport_kind) if isinstance(x, RunKind)), RunKind.EASY)
        return RunWorkout(
            start=begin,
            end=after(begin, dt.timedelta(minutes=minutes or athlete.run_minutes)),
            kind=kind,
            title=title,
            all_day=at is None,
            source=where,
        )

    return to_item


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _delimiter(first_line: str) -> str:
    # spreadsheets in comma-decimal locales write ";"; tab-separated exports exist too
    return max((",", ";", "\t"), key=first_line.count)


def _within(item: RunWorkout | BusyBlock | OwnSession, start: dt.date | None,
            end: dt.date | None) -> bool:
    return (start is None or item.end.date() >= start) and (end is None or item.start.date() <= end)


def _date(value: str, where: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        try:
            day = dt.datetime.fromisoformat(value).date()
        except ValueError:
            raise InputError(f"{where}: {value!r} is not a date; write YYYY-MM-DD") from None
    try:
        return plausible_date(day)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


def _clock(value: str, where: str) -> dt.time:
    m = _CLOCK.match(value)
    if m:
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
        if m[4]:  # 12-hour clock: 12:30 am is 00:30, 12:30 pm is 12:30
            twelve = 1 <= hour <= 12
            hour = hour % 12 + (12 if m[4][0].lower() == "p" else 0) if twelve else 99
        if hour <= 23 and minute <= 59 and second <= 59:
            return dt.time(hour, minute, second)
    raise InputError(f"{where}: {value!r} is not a time of day; write HH:MM")


def _length(value: str, where: str, unit: str, limit: float) -> float:
    try:
        number = float(value.replace(",", "."))  # decimal commas from European spreadsheets
    except ValueError:
        number = -1.0
    if not 0 <= number <= limit:  # also rejects nan
        raise InputError(f"{where}: {value!r} is not a length in {unit}")
    return number
