"""Read a running schedule from iCalendar data (TrainingPeaks, Google, Outlook, Apple exports).

Parsing is icalendar's (its content lines split by ``importers.lines``); recurrences
(RRULE/RDATE/EXDATE/RECURRENCE-ID) and ``X-WR-TIMEZONE`` are expanded by
recurring-ical-events only. Decisions:

- runs become :class:`RunWorkout` in the athlete's zone; an all-day run starts at the
  profile's ``run_time`` and lasts the duration its description states (TrainingPeaks
  ``Planned Time: 1:30:00``) or else ``run_minutes``;
- other sports in a training feed are skipped, and so are cancelled events;
- any other timed event is a :class:`BusyBlock` unless it is ``TRANSP:TRANSPARENT``, Outlook
  ``FREE`` or has no length; an all-day non-run event blocks its days only when it is marked
  busy on purpose (``TRANSP:OPAQUE`` written out, Outlook ``BUSY``/``OOF``), because calendars
  use all-day items for notes (holidays, birthdays) as often as for absence;
- floating times, and times whose TZID nobody knows, are read in the athlete's zone;
- an event with a date DTSTART and a timed DTEND is read as an all-day event; one that
  repeats more often than hourly is dropped with a warning.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from runstrength.domain import (
    Athlete,
    BusyBlock,
    OwnSession,
    RunKind,
    RunWorkout,
    Schedule,
    after,
    local_at,
)
from runstrength.errors import InputError
from runstrength.importers import decode
from runstrength.importers.classify import Kind, classify, own_core, own_leg_load
from runstrength.importers.lines import content_lines
from runstrength.knowledge import Classify, Knowledge

#: Longest default window for open-ended recurrences: a season plus a week.
SPAN_CAP = dt.timedelta(days=371)
#: The longest window expanded: a little more than the longest season the planner accepts
#: (``api.MAX_SEASON_WEEKS``, 104), which refuses a longer one naming its cause (a race
#: typed as 2207, ``--to 2999-12-31``); expanding it first would take minutes.
WINDOW_CAP = dt.timedelta(weeks=106)
#: Most occurrences one series may have in the season window (a run twice a day for two years
#: is 1,500), and all events of one calendar together.
SERIES_CAP = 5_000
CALENDAR_CAP = 20_000

# "Planned Time: 1:30:00" (TrainingPeaks), "Duration: 45 min", "Moving time: 1.5 h"
_STATED_DURATION = re.compile(
    r"\b(?:planned\s+time|planned\s+duration|duration|moving\s+time|elapsed\s+time|total\s+time)"
    r"\s*:\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?"  # h:mm[:ss]
    r"|(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|min|mins|minutes?)\b)",  # amount and unit
    re.IGNORECASE,
)
# days per FREQ step: an upper bound, used only to size the default window
_STEP_DAYS = {"SECONDLY": 1, "MINUTELY": 1, "HOURLY": 1, "DAILY": 1, "WEEKLY": 7,
              "MONTHLY": 31, "YEARLY": 366}
_TOO_OFTEN = {"SECONDLY", "MINUTELY"}
_WHEN = {"DTSTART", "DTEND", "DURATION"}
_QUOTED = re.compile(r"'([^'\r\n]+)'")
_GOT = re.compile(r"(?:got|format):?\s+([^'\s]{3,})\s*$", re.IGNORECASE)


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
    # icalendar warns (Python warnings) about guessed time zones: report them with the rest
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            schedule = _read(decode(data), source, athlete, knowledge, start, end)
        except OverflowError:  # dates near year 9999 leave no room for the window's margins
            raise InputError(f"{source}: a date is out of range") from None
    for note in dict.fromkeys(str(w.message) for w in caught):
        schedule.warnings.append(f"{source}: {_one_line(note)}")
    return schedule


def _read(
    text: str,
    source: str,
    athlete: Athlete,
    knowledge: Knowledge,
    start: dt.date | None,
    end: dt.date | None,
) -> Schedule:
    name = _ANY if _ANY not in text else source  # a text holding the stand-in: its own name
    try:
        read = _calendars(text, name)
    except InputError as exc:
        raise InputError(str(exc).replace(name, source)) from None
    for note, category in read.notes:  # what icalendar warned of while parsing, once more
        warnings.warn(note, category, stacklevel=1)
    calendars = list(read.calendars)
    problems = [p.replace(name, source) for p in read.problems]
    stamp = read.stamp

    @cache  # the occurrences of a series share title and description
    def kind_of(title: str, description: str) -> Kind:
        return classify(title, description, knowledge.classify, athlete.keywords)

    if start is None or end is None:
        span = default_span(calendars, athlete, knowledge, kind_of)
        if span is None:
            return Schedule(warnings=problems, stamp=stamp)
        start = start or span[0]
        end = end or span[1]
    if end - start > WINDOW_CAP:  # the planner refuses such a season anyway
        end = start + WINDOW_CAP
    zone = athlete.zone
    first = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    past = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    runs: list[RunWorkout] = []
    busy: list[BusyBlock] = []
    own: list[OwnSession] = []
    for cal in calendars:
        for event in _occurrences(cal, start, end, source, problems):
            item = _item(event, source, athlete, kind_of, problems, knowledge.classify)
            if item is None or item.end <= first or item.start >= past:
                continue
            if isinstance(item, RunWorkout):
                runs.append(item)
            elif isinstance(item, OwnSession):
                own.append(item)
            else:
                busy.append(item)
    runs.sort(key=lambda r: (r.start, r.source))
    busy.sort(key=lambda b: (b.start, b.source))
    own.sort(key=lambda o: (o.start, o.source))
    return Schedule(runs=runs, busy=busy, own=own, warnings=problems, stamp=stamp)


#: The name a calendar's bytes are read under when what is read from them is kept for the
#: next file of the same bytes (a roster's athletes often share their club's plan): each
#: message then says the file's own name instead.
_ANY = "\x00file\x00"


@dataclass(frozen=True)
class _Calendars:
    """What a calendar's text gives before any athlete is asked: its calendars parsed and
    tidied (shared: read, never changed, after this), the problems found on the way, what
    icalendar warned of, and the newest stamp."""

    calendars: tuple[icalendar.Calendar, ...]
    problems: tuple[str, ...]
    notes: tuple[tuple[str, type[Warning]], ...]
    stamp: dt.datetime | None


@functools.lru_cache(maxsize=16)
def _calendars(text: str, source: str) -> _Calendars:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calendars = _parse(text, source)
        problems = [w for cal in calendars for w in _problems(cal, source, text)]
        problems += [w for cal in calendars for w in _tidy(cal, source)]
        calendars = [_standard(cal) for cal in calendars]
    return _Calendars(tuple(calendars), tuple(problems),
                      tuple((str(w.message), w.category) for w in caught), _stamp(calendars))


def default_span(
    calendars: list[icalendar.Calendar], athlete: Athlete, knowledge: Knowledge,
    kind_of=None,
) -> tuple[dt.date, dt.date] | None:
    """The dates the calendar's runs cover, or all its events' when it has no run.

    From the Sunday before the first DTSTART's week to the last DTSTART + 1 day, the last
    UNTIL or COUNT of a recurrence, or the last race of the profile, whichever is latest. A
    recurrence never reaches more than :data:`SPAN_CAP` past its start, and open-ended ones do
    not stretch the span at all (they only fill it), unless nothing else bounds it: then it
    is :data:`SPAN_CAP` from the first start. ``None`` when no event has a readable start.
    ``kind_of(title, description)``: the import's classifier, cached (else ``classify``).
    """
    if kind_of is None:
        def kind_of(title: str, description: str):
            return classify(title, description, knowledge.classify, athlete.keywords)

    spans: list[tuple[bool, dt.date, dt.date | None]] = []  # (is run, first day, last day)
    for cal in calendars:
        for event in cal.walk("VEVENT"):
            try:
                first = event.DTSTART
                if first is None:
                    continue
                first = _date(first)
                ends = [_repeats_until(rule, first) for rule in event.rrules]
            except ValueError:  # a broken property: reported by _problems
                continue
            kind = kind_of(str(event.get("SUMMARY", "")).strip(), str(event.get("DESCRIPTION", "")))
            last = None if None in ends else max(ends, default=first)
            spans.append((kind not in (None, "other"), first, last))
    chosen = [s for s in spans if s[0]] or spans
    if not chosen:
        return None
    earliest = min(first for _, first, _ in chosen)
    ends = [last for _, _, last in chosen if last is not None]
    ends += [race.date for race in athlete.races if earliest <= race.date <= earliest + WINDOW_CAP]
    latest = max(ends) if ends else earliest + SPAN_CAP
    # The planner's season starts on the Monday of the first run's week, and the day before
    # it still matters (a long run the Sunday before): cover both.
    monday = earliest - dt.timedelta(days=earliest.weekday())
    return monday - dt.timedelta(days=1), latest + dt.timedelta(days=1)


def _repeats_until(rule: icalendar.vRecur, first: dt.date) -> dt.date | None:
    """Last day a recurrence can reach (COUNT generously estimated); ``None``: open-ended."""
    until = (rule.get("UNTIL") or [None])[0]
    if isinstance(until, dt.date):
        last = _date(until)
    elif rule.get("COUNT"):
        step = _STEP_DAYS.get(str(rule.get("FREQ", ["DAILY"])[0]).upper(), 1)
        days = step * int(rule.get("INTERVAL", [1])[0]) * int(rule["COUNT"][0])
        last = first + dt.timedelta(days=min(days, SPAN_CAP.days))
    else:
        return None
    return min(max(last, first), first + SPAN_CAP)


def _parse(text: str, source: str) -> list[icalendar.Calendar]:
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    if "BEGIN:VCALENDAR" not in text.upper():
        raise InputError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    # a text without a line break would be taken for a file path by from_ical
    text = text if text.endswith("\n") else text + "\r\n"
    try:
        components = icalendar.Calendar.from_ical(content_lines(text), multiple=True)
    except Exception as exc:  # any parser failure on user bytes is bad input, not a crash
        raise InputError(f"{source}: {_where(text, str(exc))}{_one_line(exc)}") from None
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError(f"{source}: no complete VCALENDAR (missing END:VCALENDAR?)")
    return calendars


def _where(text: str, message: str) -> str:
    """``line N: `` for the content line a parser message quotes, else nothing."""
    quoted = _QUOTED.search(message)
    if quoted:
        for number, line in enumerate(text.splitlines(), 1):
            # a folded content line is quoted whole: its first physical line is a prefix
            if line.strip() and quoted[1].startswith(line.strip()):
                return f"line {number}: "
    got = _GOT.search(message)  # "Wrong date format 20270230": the first line holding it
    if got:
        token = re.compile(rf"(?<!\w){re.escape(got[1])}(?!\w)")
        for number, line in enumerate(text.splitlines(), 1):
            if token.search(line):
                return f"line {number}: "
    return ""


def _one_line(problem: object) -> str:
    """The first line of an error message (some quote the whole bad input)."""
    return (str(problem).strip().splitlines() or [type(problem).__name__])[0]


def _label(component: icalendar.cal.Component) -> str:
    if component.name != "VEVENT":
        return component.name
    name = component.get("UID") or component.get("SUMMARY") or "(no UID)"
    name = str(name[0] if isinstance(name, list) else name)
    return f"event {' '.join(name.split())}"  # an escaped line break stays out of messages


def _problems(cal: icalendar.Calendar, source: str, text: str) -> list[str]:
    """icalendar's per-component parse errors and unknown time zones, one line each."""
    out = []
    for component in cal.walk():
        for prop, message in component.errors:
            field = f"{prop}: " if prop else ""
            out.append(f"{source}: {_where(text, message)}{_label(component)}: {field}"
                       f"{_one_line(message)}")
        if component.name != "VEVENT":
            continue
        try:
            start = component.DTSTART
        except ValueError:  # reported above
            continue
        tzid = getattr(component.get("DTSTART"), "params", {}).get("TZID")
        if tzid and isinstance(start, dt.datetime) and start.tzinfo is None:
            out.append(f"{source}: {_label(component)}: unknown time zone {tzid!r}, "
                       "read as local time")
    return out


def _tidy(cal: icalendar.Calendar, source: str) -> list[str]:
    """Fix up events before expansion; say what was done, one line per event.

    - A date DTSTART with a timed DTEND: recurring-ical-events would start it at midnight;
      the date says "some time that day", which is what an all-day event means here.
    - A rule repeating more often than hourly: no training or busy calendar needs one, and a
      year of it is millions of occurrences, so the event is dropped.
    - A rule with an INTERVAL below 1: it never moves on (the expansion would not end), so
      the event is dropped.
    - A DTEND before DTSTART or a negative DURATION is dropped (the event then has no
      length, as if it had none): the expansion would swap the ends, a span of centuries.
      So is one making the event longer than :data:`WINDOW_CAP` (DTSTART 1000-01-01, DTEND
      2027-03-02): each weekly occurrence would cover the season, 53,000 of them.
    - An event without DTSTART, or whose start or end cannot be read (two DTENDs, say), is
      dropped; so is a second UID or X-WR-TIMEZONE; an RDATE or EXDATE holding a bare time
      (no date) is ignored: the expansion would fail on them with a message about Python
      objects, or sink the whole file.
    """
    out = []
    out += _tidy_x_wr_timezone(cal, source)
    for event in list(cal.walk("VEVENT")):
        try:
            start, end = event.DTSTART, event.DTEND
            unsafe = "no DTSTART" if start is None else _unsafe_rule(event)
        except ValueError as exc:  # an unreadable time is reported by _problems already
            unreadable = {str(prop).upper() for prop, _ in event.errors} & _WHEN
            unsafe = "" if unreadable else _one_line(exc)
        if unsafe is not None:
            for parent in cal.walk():
                if event in parent.subcomponents:
                    parent.subcomponents.remove(event)
            if unsafe:
                out.append(f"{source}: {_label(event)}: skipped: {unsafe}")
            continue
        uid = event.get("UID")
        if isinstance(uid, list):  # the expansion groups by UID and needs one
            event["UID"] = uid[0]
            out.append(f"{source}: {_label(event)}: UID given {len(uid)} times; "
                       "the first is used")
        for name in ("RDATE", "EXDATE"):
            if _bare_time(event.get(name)):
                del event[name]
                out.append(f"{source}: {_label(event)}: {name} holds a time without a date; "
                           "ignored")
        duration = _duration(event.get("DURATION"))
        if duration is not None and not dt.timedelta(0) <= duration <= WINDOW_CAP:
            del event["DURATION"]
            out.append(f"{source}: {_label(event)}: DURATION {_odd(duration)}; ignored")
        length = _length(start, end)
        if length is not None and not dt.timedelta(0) <= length <= WINDOW_CAP:
            del event["DTEND"]
            out.append(f"{source}: {_label(event)}: DTEND {_odd(length, 'DTSTART')}; ignored")
        elif not isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            del event["DTEND"]
            out.append(f"{source}: {_label(event)}: DTSTART is a date but DTEND a time; "
                       "read as an all-day event")
    return out


def _tidy_x_wr_timezone(cal: icalendar.Calendar, source: str) -> list[str]:
    """One X-WR-TIMEZONE that zoneinfo knows, or none: the expansion looks it up as given."""
    zones = cal.get("X-WR-TIMEZONE")
    if zones is None:
        return []
    out = []
    if isinstance(zones, list):
        cal["X-WR-TIMEZONE"] = next((z for z in zones if str(z).strip()), zones[0])
        out.append(f"{source}: X-WR-TIMEZONE given {len(zones)} times; "
                   f"{str(cal['X-WR-TIMEZONE'])!r} is used")
    name = str(cal["X-WR-TIMEZONE"]).strip()
    name = WINDOWS_TO_OLSON.get(name, name)  # Outlook writes "W. Europe Standard Time"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        del cal["X-WR-TIMEZONE"]
        out.append(f"{source}: X-WR-TIMEZONE {name!r} is not a known time zone; "
                   "floating times are read in the athlete's zone")
    else:
        cal["X-WR-TIMEZONE"] = name
    return out


class _XWRWalker(x_wr_timezone.UTCChangingWalker):
    """X-WR-TIMEZONE applied as Google means it: UTC and floating times are in that zone. A
    time with its own zone keeps it, even a VTIMEZONE that names no TZNAME (which the library
    takes for floating, so a 07:00 +05:30 run became 07:00 New York)."""

    def is_Floating(self, dt):
        return dt.tzinfo is None


def _standard(cal: icalendar.Calendar) -> icalendar.Calendar:
    """``cal`` without X-WR-TIMEZONE, its times moved into that zone (see ``_XWRWalker``)."""
    name = cal.get("X-WR-TIMEZONE")
    if name is None:
        return cal
    out = _XWRWalker(ZoneInfo(str(name))).walk(cal)  # a new calendar when a time changed
    del out["X-WR-TIMEZONE"]
    return out


def _length(start: object, end: object) -> dt.timedelta | None:
    """DTEND minus DTSTART (by day for a date against a time, by the clock for a floating
    time against a zoned one); ``None`` when either is not a date."""
    if not isinstance(end, dt.date) or not isinstance(start, dt.date):
        return None
    if isinstance(end, dt.datetime) and isinstance(start, dt.datetime):
        if (end.tzinfo is None) != (start.tzinfo is None):
            return end.replace(tzinfo=None) - start.replace(tzinfo=None)
        return end - start
    return _date(end) - _date(start)


def _duration(prop: object) -> dt.timedelta | None:
    try:
        length = getattr(prop, "dt", None)
    except ValueError:  # unreadable: reported by _problems
        return None
    return length if isinstance(length, dt.timedelta) else None


def _odd(length: dt.timedelta, start: str = "") -> str:
    if length < dt.timedelta(0):
        return f"is before {start}" if start else "is negative"
    return f"makes the event {length.days} days long"


def _bare_time(prop: object) -> bool:
    """Whether an RDATE/EXDATE property (one line or several) holds a time without a date."""
    values = prop if isinstance(prop, list) else [prop] if prop is not None else []
    for value in values:
        try:
            dates = [d.dt for d in value.dts]
        except (AttributeError, ValueError):  # unreadable: the expansion reports it
            continue
        if any(isinstance(d, dt.time) for d in dates):
            return True
    return False


def _unsafe_rule(event: icalendar.Event) -> str | None:
    """Why the event's RRULE cannot be expanded safely, or ``None``."""
    for rule in event.rrules:
        if not isinstance(rule, icalendar.vRecur):  # unreadable: reported by _problems
            continue
        freq = str(rule.get("FREQ", [""])[0]).upper()
        if freq in _TOO_OFTEN:
            return "repeats more often than hourly"
        # FREQ=DAILY with every BYHOUR and BYMINUTE is a rule for each minute
        per_day = (24 if freq == "HOURLY" else len(rule.get("BYHOUR", [0]))) * len(
            rule.get("BYMINUTE", [0])) * len(rule.get("BYSECOND", [0]))
        if per_day > 24:
            return f"repeats {per_day:,} times a day (more often than hourly)"
        interval = rule.get("INTERVAL", [1])[0]
        if isinstance(interval, int) and interval < 1:
            return f"RRULE INTERVAL={interval}: the interval must be 1 or more"
    return None


def _occurrences(
    cal: icalendar.Calendar, start: dt.date, end: dt.date, source: str, problems: list[str]
) -> list[icalendar.Event]:
    """The events of ``cal`` between ``start`` and ``end``, series expanded, within the bounds:
    a series with more than :data:`SERIES_CAP` occurrences in the window is skipped with a
    warning, a calendar with more than :data:`CALENDAR_CAP` is an error naming its busiest
    series. A series that cannot be expanded is skipped with a warning (all of them: an
    error)."""
    # one day of margin each side: the query is in the calendar's zones, the filter in ours
    window = (start - dt.timedelta(days=1), end + dt.timedelta(days=2))
    counts: dict[str, int] = {}
    events, cal = _singles(cal, window)  # the expansion is for series only
    if len(events) > CALENDAR_CAP:
        raise InputError(f"{source}: more than {CALENDAR_CAP:,} events in the season; split "
                         "the calendar or give a shorter season with --from/--to")
    if not any(c.name == "VEVENT" for c in cal.subcomponents):
        return events
    try:
        whole = recurring_ical_events.of(cal)
        parts, series = [(cal, whole)], list(whole.series)
    except Exception:  # library failures on user data are bad input, handled below
        # Some series is broken: expand each UID on its own so one bad event does not sink
        # the file.
        groups: dict[str, list[icalendar.cal.Component]] = {}
        others = []
        for component in cal.subcomponents:
            if component.name == "VEVENT":
                groups.setdefault(str(component.get("UID", id(component))), []).append(component)
            else:
                others.append(component)
        parts = []
        for group in groups.values():
            part = icalendar.Calendar(cal)  # the calendar's properties and no events
            part.subcomponents = [*others, *group]
            parts.append((part, None))
        series = None
    failures = []
    tried = 0
    for part, query in parts:
        try:
            query = query or recurring_ical_events.of(part)
            lo, hi = query.to_datetime(window[0]), query.to_datetime(window[1])
            found_series = series if series is not None else list(query.series)
        except Exception as exc:
            tried += 1
            events_of = [c for c in part.subcomponents if c.name == "VEVENT"]
            label = _label(events_of[0]) if events_of else "event"
            failures.append(f"{source}: {label}: skipped: {_one_line(_explain(exc))}")
            continue
        for one in found_series:
            tried += 1
            label = f"event {' '.join(str(one.uid).split()) or '(no UID)'}"
            try:
                found = list(itertools.islice(one.between(lo, hi), SERIES_CAP + 1))
                if len(found) > SERIES_CAP:
                    problems.append(f"{source}: {label}: skipped: more than {SERIES_CAP:,} "
                                    "occurrences in the season; no training or busy series "
                                    "needs that many")
                    continue
                events += [o.as_component(query.keep_recurrence_attributes) for o in found]
            except Exception as exc:
                failures.append(f"{source}: {label}: skipped: {_one_line(_explain(exc))}")
                continue
            counts[label] = len(found)
            if len(events) > CALENDAR_CAP:
                busiest = max(counts, key=counts.__getitem__)
                raise InputError(f"{source}: more than {CALENDAR_CAP:,} events in the season "
                                 f"(the most: {busiest}, {counts[busiest]:,}); split the "
                                 "calendar or give a shorter season with --from/--to")
    if tried and len(failures) == tried and not events:
        raise InputError(failures[0].replace(": skipped: ", ": ", 1))
    problems += failures
    return events


_REPEATS = ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID")


def _singles(cal: icalendar.Calendar, window: tuple[dt.date, dt.date]
             ) -> tuple[list[icalendar.Event], icalendar.Calendar]:
    """The events that are no series (no RRULE, RDATE or RECURRENCE-ID, a UID of their own)
    and touch ``window``, and the calendar of everything else (a TrainingPeaks feed is all
    single events: nothing is left to expand)."""
    if str(cal.get("CALSCALE", "GREGORIAN")).upper() != "GREGORIAN":
        return [], cal  # the expansion refuses other calendar scales, naming the event
    uids: dict[str, int] = {}
    for c in cal.subcomponents:
        if c.name == "VEVENT":
            uid = str(c.get("UID", ""))
            uids[uid] = uids.get(uid, 0) + 1
    singles, rest = [], []
    for c in cal.subcomponents:
        if c.name != "VEVENT" or any(k in c for k in _REPEATS) or uids[str(c.get("UID", ""))] > 1:
            rest.append(c)
            continue
        try:
            first, last = _date(c.start), _date(c.end)
        except Exception:  # an unreadable time: the expansion reports it
            rest.append(c)
            continue
        if first <= window[1] and max(first, last) >= window[0]:
            singles.append(c)
    if len(rest) == len(cal.subcomponents):
        return [], cal
    left = icalendar.Calendar(cal)  # the calendar's properties, no components
    left.subcomponents = rest
    return singles, left


def _explain(exc: Exception) -> str:
    # recurring-ical-events reports a missing property as a bare KeyError('DTSTART'); other
    # KeyErrors carry a sentence, which str() would show in quotes
    if isinstance(exc, KeyError) and exc.args:
        key = str(exc.args[0])
        return f"no {key}" if re.fullmatch(r"[A-Z][A-Z-]*", key) else key
    return str(exc)


def _item(
    event: icalendar.Event,
    source: str,
    athlete: Athlete,
    kind_of: Callable[[str, str], Kind],
    problems: list[str],
    words: Classify,
) -> RunWorkout | BusyBlock | OwnSession | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    title = str(event.get("SUMMARY", "")).strip()
    description = str(event.get("DESCRIPTION", ""))
    label = f"{source}: {_label(event)}"
    try:
        begin, finish = event.start, event.end
    except ValueError as exc:
        problems.append(f"{label}: skipped: {_one_line(exc)}")
        return None
    kind = kind_of(title, description)
    if kind == "other":
        return None
    zone = athlete.zone
    timed = isinstance(begin, dt.datetime)
    if kind is None:
        if not _busy(event, timed):
            return None
        if timed:
            begin, finish = _local(begin, zone), _local(finish, zone)
        else:
            begin = dt.datetime.combine(begin, dt.time(), tzinfo=zone)
            finish = dt.datetime.combine(max(_date(finish), begin.date() + dt.timedelta(days=1)),
                                         dt.time(), tzinfo=zone)
        if finish <= begin:
            return None
        return BusyBlock(start=begin, end=finish, title=title, source=label)
    if timed:
        begin, finish = _local(begin, zone), _local(finish, zone)
    else:
        begin = finish = local_at(begin, athlete.run_time, zone)
    if finish <= begin:
        default = dt.timedelta(minutes=athlete.run_minutes)
        finish = after(begin, _stated_duration(description) or default)
    if kind == "strength":
        return OwnSession(start=begin, end=finish, title=title, source=label,
                          leg_load=own_leg_load(title, words),
                          core=own_core(title, words))
    return RunWorkout(
        start=begin, end=finish, kind=RunKind(kind), title=title, all_day=not timed, source=label
    )


def _busy(event: icalendar.Event, timed: bool) -> bool:
    """Whether a non-run event blocks time.

    Outlook's busy status wins (FREE is free; BUSY and out-of-office block); then TRANSP. A
    timed event blocks unless it is transparent. An all-day event blocks only when marked busy
    on purpose (TRANSP:OPAQUE written out, or Outlook BUSY/OOF): calendars default to using
    all-day items as notes (holidays, birthdays, "Day Off").
    """
    status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    if status == "FREE":
        return False
    transp = str(event.get("TRANSP", "")).upper()
    if timed:
        return transp != "TRANSPARENT"
    return status in ("BUSY", "OOF") or transp == "OPAQUE"


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
    """An event time in the athlete's zone; a floating time is read there (one the clocks skip
    moves on by the gap)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return value.astimezone(zone)


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
