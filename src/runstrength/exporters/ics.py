"""Write a `Plan` as one iCalendar file (DESIGN.md, "Output contract (.ics)").

The bytes depend only on the plan: DTSTAMP is ``plan.stamp``, UIDs are uuid5 of the
athlete, date and kind, events are sorted, and no clock or random source is read. The
calendar's own properties and its VTIMEZONE are icalendar's; the events are written as
content lines directly (``exporters.lines``, the same bytes), and a re-plan reads them back
into icalendar's events to set them beside the previous calendar's.
"""

from __future__ import annotations

import datetime as dt
import functools

from icalendar import Calendar, Event, Timezone, vDuration

from runstrength.domain import BALANCED, Plan, PlannedSession, RunWorkout
from runstrength.exporters.common import ordered_sessions, run_uid, session_uid, to_local
from runstrength.exporters.lines import Lines, Written, alarm
from runstrength.text import one_line

__all__ = ["PRODID", "groups_to_ics", "plan_to_ics", "session_description", "session_uid"]

PRODID = "-//runstrength//runstrength 0.1//EN"


#: how often a subscribed feed asks to be read again (RFC 7986 REFRESH-INTERVAL, and the
#: X-PUBLISHED-TTL Outlook reads): a plan changes at most a few times a week
FEED_REFRESH = dt.timedelta(hours=6)


def plan_to_ics(
    plan: Plan, *, include_runs: bool = False, remind_minutes: int | None = None,
    previous=None, today: dt.date | None = None, feed: bool = False,
    skipped: frozenset[dt.date] | set[dt.date] = frozenset(),
) -> bytes:
    """Return the plan as .ics bytes: one VEVENT per session (and per run if asked).

    ``remind_minutes`` adds a display alarm that many minutes before each strength session.
    ``previous`` (``replan.Previous``): the calendar this one replaces; its events keep their
    SEQUENCE and DTSTAMP where nothing changed, the ones that changed get a higher SEQUENCE,
    the sessions that went are written as cancelled (``replan.carry``); ``today``: sessions
    before it are written as the previous calendar has them, unless ``skipped`` (the
    done-log's skipped days) names them. ``feed``: a subscription feed (a refresh interval, no
    cancelled events).
    """
    if remind_minutes is not None and remind_minutes < 0:
        raise ValueError(f"remind_minutes must be 0 or more, not {remind_minutes}")
    athlete = plan.athlete
    stamp = _utc(plan.stamp)

    name = f"Strength – {_one_line(athlete.name) or _one_line(athlete.id) or 'athlete'}"
    cal = _calendar(name, athlete.timezone)
    cal.add("x-runstrength-athlete", _token(athlete.id))
    if feed:
        _as_feed(cal)
    events = [
        _session_event(uid, s, plan, stamp, remind_minutes)
        for uid, s in ordered_sessions(plan)
    ]
    if include_runs:
        first, last = plan.weeks[0].days()[0], plan.weeks[-1].days()[-1]
        seen: dict[tuple, int] = {}
        for r in sorted((r for r in plan.runs if first <= r.day <= last),
                        key=lambda r: (r.start.astimezone(dt.UTC), str(r.kind), r.title,
                                       r.source)):
            key = (to_local(r.start, plan.athlete.zone), r.kind)
            seen[key] = seen.get(key, 0) + 1
            events.append(_run_event(r, plan, stamp, seen[key]))
    return _written(cal, events, previous, stamp, today=today, feed=feed, skipped=skipped)


def _written(cal: Calendar, events: list[Written], previous, stamp: dt.datetime, *,
             today: dt.date | None, feed: bool, skipped=frozenset()) -> bytes:
    """The calendar's bytes: ``cal``'s properties, its VTIMEZONE, the events in order of
    start, then UID. A re-plan (``previous``) sets them beside the calendar they replace
    (``replan.carry``, on icalendar's events)."""
    if previous is not None:
        from runstrength.replan import carry

        carried = carry([e.event() for e in events], previous, stamp, today=today, feed=feed,
                        skipped=skipped)
        return _serialize(_with_events(cal, carried))
    events = sorted(events, key=lambda e: (e.start.astimezone(dt.UTC), e.uid))
    head = [line for line in cal.content_lines(sorted=True) if line][:-1]  # up to END
    zones = [line for z in _zones([(e.start, e.end) for e in events])
             for line in _zone_lines(*z)]
    lines = [*head, *zones, *(line for e in events for line in e.lines), "END:VCALENDAR"]
    return b"\r\n".join(fold(line) for line in lines) + b"\r\n"


def _calendar(name: str, timezone: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)  # RFC 7986
    cal.add("x-wr-calname", name)  # what Google and Apple read
    cal.add("x-wr-timezone", timezone)
    return cal


def _as_feed(cal: Calendar) -> None:
    """How often a subscribing app should read ``cal`` again (RFC 7986, and Outlook's)."""
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(FEED_REFRESH).to_ical().decode())


def _with_events(cal: Calendar, events: list[Event]) -> Calendar:
    """``cal`` holding ``events`` in order of start, then UID, after their VTIMEZONE."""
    events.sort(key=lambda e: (e.start.astimezone(dt.UTC), str(e["UID"])))
    for event in events:
        cal.add_component(event)
    for zone in _zones([(e.start, e.end) for e in events]):
        cal.subcomponents.insert(0, _vtimezone(*zone))
    return cal


def _zones(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[str, int, int]]:
    """The VTIMEZONEs the events' times need, as ``(tzid, first year, last year)``, in the
    order they go at the head of the calendar.

    A VTIMEZONE covering whole years around the plan: small (two transitions a year
    instead of 1970-2038) yet still right when a user drags an event a few weeks, and it
    does not stop working for plans after 2038. Every zoned time is in the athlete's zone
    (_add_times), so there is one VTIMEZONE, put first as Calendar.add_missing_timezones
    would (without its two walks over every event)."""
    from icalendar.timezone.tzid import tzid_from_dt

    zones = {tzid_from_dt(t) for span in spans for t in span} - {"UTC", None}
    if not zones:
        return []
    first = min(t.date() for span in spans for t in span).year
    last = max(t.date() for span in spans for t in span).year + 1
    return [(tzid, first, last) for tzid in sorted(zones, reverse=True)]


def groups_to_ics(rows: list[dict], timezone: str, stamp: dt.datetime,
                  name: str = "Group sessions", *, previous=None, today: dt.date | None = None,
                  feed: bool = False) -> bytes:
    """The coach's calendar of group sessions: one event per session held, with the same
    UID as in each attendee's calendar, and who attends (``joint.JointResult.groups``);
    ``previous`` (``replan.read_calendar``) the coach's calendar it replaces, carried as a
    plan's is (``plan_to_ics``)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    events = []
    for row in rows:
        lines = Lines()
        lines.text("UID", row["uid"])
        lines.moment("DTSTAMP", _utc(stamp))
        start, end = _add_times(lines, dt.datetime.fromisoformat(row["start"]),
                                dt.datetime.fromisoformat(row["end"]), zone)
        lines.text("SUMMARY", row["group"])
        lines.text("LOCATION", row["group"])
        names = "\n".join(f"- {n}" for n in row["names"])
        lines.text("DESCRIPTION", f"{row['attendees']} of {row['max_size']} places taken "
                                  f"({row['kind'].replace('_', ' ')})\n\nAttending:\n{names}")
        lines.categories("CATEGORIES", ("STRENGTH", "GROUP"))
        lines.text("TRANSP", "OPAQUE")
        lines.number("SEQUENCE", 0)
        lines.text("STATUS", "CONFIRMED")
        lines.raw("X-RUNSTRENGTH-SESSION", _token(row["kind"]))
        events.append(Written(row["uid"], start, end, lines.written()))
    cal = _calendar(name, timezone)
    if feed:
        _as_feed(cal)
    return _written(cal, events, previous, _utc(stamp), today=today, feed=feed)


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    try:
        return Timezone.from_tzid(tzid, first_date=dt.date(first_year, 1, 1),
                                  last_date=dt.date(last_year, 1, 1))
    except ValueError:  # only if tzdata lacks a zone the Athlete model accepted
        raise ValueError(f"no VTIMEZONE can be built for {tzid}") from None


@functools.lru_cache(maxsize=64)
def _zone_lines(tzid: str, first_year: int, last_year: int) -> tuple[str, ...]:
    return tuple(line for line in _vtimezone(tzid, first_year, last_year).content_lines()
                 if line)


def session_description(session: PlannedSession) -> str:
    """Plain text a person can train from: what, when in the season, how, and why here.

    Headed sections (``Warm-up``, ``Main block``, ``Cool-down``), one item a line starting
    ``- `` with sets x reps (or time / contacts), the rest and a short technique cue; the week's
    load cue and the session's usual effort once at the top.
    """
    warm, cool = session.warmup_minutes, session.cooldown_minutes
    main = max(0, session.minutes - warm - cool)
    head = f"{session.title} - {session.minutes} min"
    if session.warmup or session.cooldown:
        head += f" (warm-up {warm}, main block {main}, cool-down {cool})"
    week = f"Phase: {session.phase}, week {session.week}"
    if session.deload:
        week += " (deload week)"
    lines = [head, week]
    focus = [f"Emphasis: {session.emphasis}"] if session.emphasis else []
    focus.append(f"block {session.block}, week {session.block_week}")
    lines.append("; ".join(focus))
    if session.add_on:
        lines.append("A short core and mobility block beside the strength sessions")
    if session.retest:
        lines.append("Re-test: the end-of-block tests open the session")
    # a re-test line keeps its instructions on the line; the other efforts are stated once
    tests = [p.test for p in session.exercises]
    efforts = [p.effort or p.load for p in session.exercises]
    shared = [e for e, t in zip(efforts, tests, strict=True) if not t]
    usual = max(shared, key=shared.count) if shared else ""
    if session.week_load:
        lines.append(f"Load this week: {session.week_load}")
    if usual:
        lines.append(f"Effort: {usual}")
    # every other effort once, with the lines it is for
    for effort in dict.fromkeys(e for e in shared if e != usual):
        names = [p.exercise.name for p, e, t in zip(session.exercises, efforts, tests,
                                                    strict=True) if e == effort and not t]
        lines.append(f"Effort for {', '.join(names)}: {effort}")
    if session.warmup:
        lines += ["", f"Warm-up ({warm} min)", *(f"- {d.line()}" for d in session.warmup)]
    if session.exercises:
        lines += ["", f"Main block ({main} min)" if session.warmup else "Main block"]
        for p in session.exercises:
            instead = f" (instead of {p.substitutes})" if p.substitutes else ""
            text = f"- {p.exercise.name}{instead}: {p.dose_text()}"
            if p.logged:
                text += f"; {p.logged}"
            if p.test:
                text += f"; {p.effort or p.load}"
            if p.cue:
                text += f". {p.cue}"
            lines.append(text)
    if session.cooldown:
        lines += ["", f"Cool-down ({cool} min)", *(f"- {d.line()}" for d in session.cooldown)]
    if session.reason:
        lines += ["", f"Why here: {session.reason}"]
    return "\n".join(lines)


def volume_text(session: PlannedSession) -> str:
    """``posterior=N;unilateral=N;core=N`` working sets (0 for a missing category)."""
    return ";".join(f"{c}={session.volume.get(c, 0)}" for c in BALANCED)


def _session_event(
    uid: str, session: PlannedSession, plan: Plan, stamp: dt.datetime, remind: int | None
) -> Written:
    zone = plan.athlete.zone
    summary = session.group or f"Strength: {session.title}"
    lines = Lines()
    lines.text("UID", uid)
    lines.moment("DTSTAMP", stamp)
    start, end = _add_times(lines, session.start, session.end, zone)
    lines.text("SUMMARY", summary)
    if session.location:
        lines.text("LOCATION", session.location)
    lines.text("DESCRIPTION", session_description(session))
    lines.categories("CATEGORIES", ("STRENGTH", str(session.phase).upper()))
    lines.text("TRANSP", "OPAQUE")
    lines.number("SEQUENCE", 0)
    lines.text("STATUS", "CONFIRMED")
    # X- values are written verbatim (no TEXT escaping), so they must stay single-line
    # tokens; the volume keeps its literal ';' as DESIGN.md shows it.
    lines.raw("X-RUNSTRENGTH-SESSION", _token(session.kind))
    lines.raw("X-RUNSTRENGTH-LEG-LOAD", str(session.leg_load))
    lines.raw("X-RUNSTRENGTH-PHASE", str(session.phase))
    lines.raw("X-RUNSTRENGTH-VOLUME", volume_text(session))
    lines.raw("X-RUNSTRENGTH-WEEK", str(session.week))
    if session.group:
        lines.raw("X-RUNSTRENGTH-GROUP", _token(session.group))
    inside = alarm(remind, summary) if remind is not None else ()
    return Written(uid, start, end, lines.written(inside=list(inside)))


def _run_event(run: RunWorkout, plan: Plan, stamp: dt.datetime, nth: int = 1) -> Written:
    zone = plan.athlete.zone
    start = to_local(run.start, zone)
    uid = run_uid(plan.athlete.id, start, run.kind, nth)
    lines = Lines()
    lines.text("UID", uid)
    lines.moment("DTSTAMP", stamp)
    first, last = _add_times(lines, run.start, run.end, zone)
    lines.text("SUMMARY", _one_line(run.title) or f"Run ({run.kind})")
    text = f"Run kind: {run.kind}"
    if run.all_day:
        text += f"\nAll-day in the source calendar; start assumed at {start:%H:%M}."
    lines.text("DESCRIPTION", text)
    lines.categories("CATEGORIES", ("RUN", str(run.kind).upper()))
    # The run already blocks time in the runner's own calendar; don't count it twice.
    lines.text("TRANSP", "TRANSPARENT")
    lines.number("SEQUENCE", 0)
    lines.text("STATUS", "CONFIRMED")
    lines.raw("X-RUNSTRENGTH-RUN", str(run.kind))
    return Written(uid, first, last, lines.written())


def _serialize(cal: Calendar) -> bytes:
    """``cal.to_ical()``, byte for byte, with the line folding done by ``fold`` (icalendar
    folds one character at a time); a re-plan's calendar is written so."""
    lines = cal.content_lines(sorted=True)
    return b"\r\n".join(fold(line) for line in lines if line) + b"\r\n"


def fold(line: str, limit: int = 75, sep: bytes = b"\r\n ") -> bytes:
    """``line`` folded as icalendar's ``_foldline`` does it (RFC 5545 3.1), in UTF-8: each
    piece holds at most ``limit - 1`` bytes and only whole characters, and a backslash or
    caret that would end a piece starts the next one instead (an escape is never split)."""
    data = line.encode("utf-8")
    width = limit - 1
    if len(data) <= width:
        return data
    parts, i = [], 0
    while len(data) - i > width:
        j = i + width
        while data[j] & 0xC0 == 0x80:  # inside a character: cut before it
            j -= 1
        if data[j - 1] in b"\\^" and j - 1 > i:
            j -= 1
        parts.append(data[i:j])
        i = j
    parts.append(data[i:])
    return sep.join(parts)


def _add_times(lines: Lines, start: dt.datetime, end: dt.datetime, zone
               ) -> tuple[dt.datetime, dt.datetime]:
    """DTSTART and DTEND in the athlete's zone; in UTC when one of them is the second pass of
    the hour the clocks go back (a TZID time there means the first pass, RFC 5545 3.3.5, so
    02:30-02:15 would end before it starts). Returns the two times written."""
    start, end = to_local(start, zone), to_local(end, zone)
    if _second_pass(start) or _second_pass(end):
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    lines.moment("DTSTART", start)
    lines.moment("DTEND", end)
    return start, end


def _second_pass(moment: dt.datetime) -> bool:
    return moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()


def _one_line(text: str) -> str:
    """User text for a one-line value (X-WR-CALNAME is written raw, and RFC 5545 3.1 allows
    no control character in any value)."""
    return one_line(text)


def _token(value: str) -> str:
    """An X- property value: written raw, so a line break would corrupt the file."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"session kind {value!r} contains a line break")
    return value


def _utc(moment: dt.datetime) -> dt.datetime:
    """DTSTAMP must be UTC (RFC 5545 3.8.7.2); a naive stamp is taken as UTC already."""
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.replace(microsecond=0)
