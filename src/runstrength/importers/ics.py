"""Read a running schedule from iCalendar data (TrainingPeaks, Google, Outlook, Apple exports).

Parsing is icalendar's; recurrences (RRULE/RDATE/EXDATE/RECURRENCE-ID) and ``X-WR-TIMEZONE``
are expanded by recurring-ical-events only. Decisions:

- runs become :class:`RunWorkout` in the athlete's zone; an all-day run starts at the
  profile's ``run_time`` and lasts the duration its description states (TrainingPeaks
  ``Planned Time: 1:30:00``) or else ``run_minutes``;
- other sports in a training feed are skipped, and so are cancelled events;
- any other timed event is a :class:`BusyBlock` unless it is ``TRANSP:TRANSPARENT`` or has
  no length; all-day non-run events (holidays, "Vacation") are not busy, because calendars
  use them for notes as often as for absence: travel and illness belong in ``blackouts``;
- floating times, and times whose TZID nobody knows, are read in the athlete's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from runstrength.domain import Athlete, BusyBlock, RunKind, RunWorkout, Schedule
from runstrength.errors import InputError
from runstrength.importers import decode
from runstrength.importers.classify import classify
from runstrength.knowledge import Knowledge

#: Longest default window for open-ended recurrences: a season plus a week.
SPAN_CAP = dt.timedelta(days=371)

_STATED_DURATION = re.compile(
    r"\b(?:planned\s+time|planned\s+duration|duration|moving\s+time|elapsed\s+time|total\s+time)"
    r"\s*:\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?|(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|min|mins|minutes?)\b)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"'([^'\r\n]{4,})'")


def read_ics(
    data: bytes,
    source: str,
    athlete: Athlete,
    knowledge: Knowledge,
    start: dt.date | None,
    end: dt.date | None,
) -> Schedule:
    """Runs and busy time of the iCalendar ``data`` between ``start`` and ``end`` (inclusive).

    A missing ``start``/``end`` defaults to the span of the events (see :func:`default_span`).
    Raises :class:`InputError` naming ``source`` for data that is not iCalendar.
    """
    text = decode(data)
    calendars = _parse(text, source)
    warnings = [w for cal in calendars for w in _problems(cal, source)]
    span = default_span(calendars)
    if span is None:
        return Schedule(warnings=warnings, stamp=_stamp(calendars))
    start = start or span[0]
    end = end or span[1]
    zone = athlete.zone
    first = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    runs: list[RunWorkout] = []
    busy: list[BusyBlock] = []
    for cal in calendars:
        for event in _occurrences(cal, start, end, source, warnings):
            item = _item(event, source, athlete, knowledge, warnings)
            if item is not None and item.end > first and item.start < after:
                (runs if isinstance(item, RunWorkout) else busy).append(item)
    runs.sort(key=lambda r: (r.start, r.source))
    busy.sort(key=lambda b: (b.start, b.source))
    return Schedule(runs=runs, busy=busy, warnings=warnings, stamp=_stamp(calendars))


def default_span(calendars: list[icalendar.Calendar]) -> tuple[dt.date, dt.date] | None:
    """First DTSTART .. last DTSTART + 1 day; recurrences reach at most :data:`SPAN_CAP`.

    ``None`` when no event has a readable start.
    """
    days: list[dt.date] = []
    repeats_until: list[dt.date] = []
    for cal in calendars:
        for event in cal.walk("VEVENT"):
            try:
                first = event.DTSTART
                rules = event.rrules
            except ValueError:  # a broken property: reported by _problems
                continue
            if first is None:
                continue
            days.append(_date(first))
            for rule in rules:
                until = rule.get("UNTIL")
                repeats_until.append(_date(until[0]) if until else dt.date.max)
    if not days:
        return None
    earliest, latest = min(days), max(days) + dt.timedelta(days=1)
    if repeats_until:
        latest = max(latest, min(max(repeats_until), earliest + SPAN_CAP))
    return earliest, latest


def _parse(text: str, source: str) -> list[icalendar.Calendar]:
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    if "BEGIN:VCALENDAR" not in text.upper():
        raise InputError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    # a text without a line break would be taken for a file path by from_ical
    text = text if text.endswith("\n") else text + "\r\n"
    try:
        components = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # any parser failure on user bytes is bad input, not a crash
        raise InputError(f"{source}: {_where(text, str(exc))}{_one_line(exc)}") from None
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError(f"{source}: no complete VCALENDAR (missing END:VCALENDAR?)")
    return calendars


def _where(text: str, message: str) -> str:
    """``line N: `` for the content line quoted in a parser message, else nothing."""
    quoted = _QUOTED.search(message)
    if quoted:
        needle = quoted[1][:40]
        for number, line in enumerate(text.splitlines(), 1):
            if needle in line:
                return f"line {number}: "
    return ""


def _one_line(problem: object) -> str:
    """The first line of an error message (some quote the whole bad input)."""
    return (str(problem).strip().splitlines() or [type(problem).__name__])[0]


def _label(component: icalendar.cal.Component) -> str:
    if component.name != "VEVENT":
        return component.name
    return f"event {component.get('UID') or component.get('SUMMARY') or '(no UID)'}"


def _problems(cal: icalendar.Calendar, source: str) -> list[str]:
    """icalendar's per-component parse errors and unknown time zones, one line each."""
    out = []
    for component in cal.walk():
        for prop, message in component.errors:
            field = f"{prop}: " if prop else ""
            out.append(f"{source}: {_label(component)}: {field}{_one_line(message)}")
        if component.name != "VEVENT":
            continue
        prop = component.get("DTSTART")
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
        if tzid and isinstance(getattr(prop, "dt", None), dt.datetime) and prop.dt.tzinfo is None:
            out.append(f"{source}: {_label(component)}: unknown time zone {tzid!r}, "
                       "read as the athlete's local time")
    return out


def _occurrences(
    cal: icalendar.Calendar, start: dt.date, end: dt.date, source: str, warnings: list[str]
) -> list[icalendar.Event]:
    # one day of margin each side: the query is in the calendar's zones, the filter in ours
    window = (start - dt.timedelta(days=1), end + dt.timedelta(days=2))
    try:
        return recurring_ical_events.of(cal).between(*window)
    except Exception as exc:  # a bad series; try again without it so the rest still counts
        first_error = _one_line(exc)
    try:
        events = recurring_ical_events.of(cal, skip_bad_series=True).between(*window)
    except Exception:
        raise InputError(f"{source}: cannot expand the calendar: {first_error}") from None
    warnings.append(f"{source}: skipped events that cannot be expanded: {first_error}")
    return events


def _item(
    event: icalendar.Event,
    source: str,
    athlete: Athlete,
    knowledge: Knowledge,
    warnings: list[str],
) -> RunWorkout | BusyBlock | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    title = str(event.get("SUMMARY", "")).strip()
    description = str(event.get("DESCRIPTION", ""))
    label = f"{source}: {_label(event)}"
    try:
        begin, finish = event.start, event.end
    except ValueError as exc:
        warnings.append(f"{label}: skipped: {_one_line(exc)}")
        return None
    kind = classify(title, description, knowledge.classify, athlete.keywords)
    if kind == "other":
        return None
    zone = athlete.zone
    timed = isinstance(begin, dt.datetime)
    if kind is None:
        transparent = str(event.get("TRANSP", "")).upper() == "TRANSPARENT"
        if not timed or transparent:
            return None
        begin, finish = _local(begin, zone), _local(finish, zone)
        if finish <= begin:
            return None
        return BusyBlock(start=begin, end=finish, title=title, source=label)
    if timed:
        begin, finish = _local(begin, zone), _local(finish, zone)
    else:
        begin = finish = dt.datetime.combine(begin, athlete.run_time, tzinfo=zone)
    if finish <= begin:
        finish = begin + (_stated_duration(description) or dt.timedelta(minutes=athlete.run_minutes))
    return RunWorkout(
        start=begin, end=finish, kind=RunKind(kind), title=title, all_day=not timed, source=label
    )


def _stated_duration(description: str) -> dt.timedelta | None:
    """A duration written in a training feed's description, if it is a plausible run."""
    m = _STATED_DURATION.search(description)
    if not m:
        return None
    if m[1]:
        length = dt.timedelta(hours=int(m[1]), minutes=int(m[2]), seconds=int(m[3] or 0))
    else:
        amount = float(m[4].replace(",", "."))
        length = dt.timedelta(hours=amount) if m[5].lower().startswith("h") else dt.timedelta(
            minutes=amount
        )
    return length if dt.timedelta(minutes=5) <= length <= dt.timedelta(hours=10) else None


def _local(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


def _date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _stamp(calendars: list[icalendar.Calendar]) -> dt.datetime | None:
    """Newest DTSTAMP or LAST-MODIFIED of any event, in UTC."""
    stamps = []
    for cal in calendars:
        for event in cal.walk("VEVENT"):
            for name in ("DTSTAMP", "LAST_MODIFIED"):
                try:
                    value = getattr(event, name)  # icalendar reads naive stamps as UTC
                except ValueError:
                    continue
                if isinstance(value, dt.datetime):
                    stamps.append(value.astimezone(dt.UTC))
    return max(stamps, default=None)
