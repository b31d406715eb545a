"""Import a running schedule (.ics or .csv) into a :class:`~runstrength.domain.Schedule`."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

from runstrength.domain import Athlete, Schedule
from runstrength.errors import InputError
from runstrength.knowledge import Knowledge

FORMATS = {".ics": "ics", ".ical": "ics", ".ifb": "ics", ".csv": "csv"}


def decode(data: bytes) -> str:
    """Text of an export: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Outlook and Excel exports; "replace" covers the five bytes cp1252 leaves undefined
        return data.decode("cp1252", errors="replace")


def load_schedule(
    path: str | Path,
    athlete: Athlete,
    knowledge: Knowledge,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fmt: str | None = None,
    data: bytes | None = None,
) -> Schedule:
    """Read the schedule at ``path`` (``-`` = ``data`` from stdin, which needs ``fmt``).

    The reader is picked by ``fmt`` (``ics`` or ``csv``) or else by the file extension; only
    events between ``start`` and ``end`` (local dates, inclusive) are kept.
    """
    name = str(path)
    if name == "-":
        if fmt is None:
            raise InputError("-: reading stdin needs a format (--format ics or --format csv)")
        name, data = "<stdin>", data or b""
    elif data is None:
        from runstrength.fileio import read_input

        data = read_input(Path(name))
    fmt = (fmt or FORMATS.get(Path(name).suffix.lower()) or "").lower()
    if fmt not in FORMATS.values():
        raise InputError(f"{name}: unknown schedule format; use .ics or .csv (or --format ics|csv)")
    # imported here so that a CSV import does not pay for icalendar's import time
    if fmt == "ics":
        from runstrength.importers.ics import read_ics as reader
    else:
        from runstrength.importers.csv import read_csv as reader
    found = None
    if athlete.timezone is None:  # the profile names no zone: the calendar's own, said so
        found = calendar_zone(data) if fmt == "ics" else None
        if found is None:
            why = "a CSV names no time zone" if fmt == "csv" else (
                "the calendar names none (no X-WR-TIMEZONE or TZID)")
            raise InputError(f"{athlete.source}: field timezone: required: {why}; add e.g. "
                             'timezone = "Europe/London" (an IANA name)')
        athlete = athlete.model_copy(update={"timezone": found})
    schedule = reader(data, name, athlete, knowledge, start, end)
    schedule.source = name
    if found is not None:
        schedule.timezone = found
        schedule.warnings.insert(0, f"{athlete.source}: no timezone in the profile: using "
                                    f"{found}, the zone of {name}; set timezone = \"...\" "
                                    "in the profile to change it")
    return schedule


def calendar_zone(data: bytes) -> str | None:
    """The zone an .ics calendar names: its X-WR-TIMEZONE, else the first TZID of its events
    (Windows names mapped to IANA ones), if zoneinfo knows it; else None."""
    import re

    text = decode(data)
    names = re.findall(r"^X-WR-TIMEZONE[^:\r\n]*:([^\r\n]+)", text, re.M | re.I)
    names += re.findall(r"^(?:DTSTART|DTEND)[^:\r\n]*;TZID=\"?([^\";:\r\n]+)", text,
                        re.M | re.I)
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    for name in names:
        name = name.strip()
        name = WINDOWS_TO_OLSON.get(name, name)
        try:
            Athlete.model_validate({"timezone": name})
        except ValueError:
            continue
        return name
    return None

