"""Re-plan: the previous plan read back from the calendar runstrength wrote, and the new
calendar written so that calendar apps update the events they already hold.

- ``read_previous``: the sessions of one of our .ics files (X-RUNSTRENGTH- properties), for
  the athlete it was written for; another program's calendar, or another athlete's, is a
  clear error.
- ``carry``: the new plan's events beside the previous file's (RFC 5545 3.8.7.4): an event
  that did not change keeps its SEQUENCE, DTSTAMP and LAST-MODIFIED; one that moved or whose
  text changed (new load cues) gets SEQUENCE + 1, a new DTSTAMP and LAST-MODIFIED (never
  older than the previous ones or the re-plan's first day); a session before the re-plan's
  first day is written exactly as before, so an unchanged plan gives a byte-identical file.
  A session that went is written once more with STATUS:CANCELLED and a higher SEQUENCE (an
  importer that cannot subscribe then removes or strikes it), unless the file is a
  subscription feed, where an event that is gone simply goes.
- ``previous_slots``, ``previous_uids``, ``missed_weeks``, ``log_vs_today``: what
  ``api.prepare`` takes from the previous plan and the done-log (the sessions to keep, the
  UIDs to keep, a missed week that does not advance its block, warnings).
- ``apply_log``: the next load cues from what the done-log says was lifted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from runstrength.errors import InputError

#: properties that say when an event was written, not what it is
STAMPS = ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED")


@dataclass(frozen=True)
class PreviousSession:
    """A strength session as a previous calendar holds it."""

    uid: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    title: str
    cancelled: bool = False
    sequence: int = 0
    leg_load: str = ""
    group: str = ""  # the group session it was (X-RUNSTRENGTH-GROUP), "" for the athlete's own

    @property
    def day(self) -> dt.date:
        return self.start.date()


class OldEvent:
    """One VEVENT of the previous calendar: its unfolded content lines (as our writer made
    them: properties in order), the values the re-plan reads, and the icalendar Event, parsed
    afresh each time it is written out again (``event``: the caller may change it)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.props: dict[str, tuple[str, str]] = {}  # name -> (parameters, value)
        depth = 0
        for line in lines[1:-1]:
            name, params, value = _split(line)
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                depth -= 1
            elif depth == 0:
                self.props.setdefault(name, (params, value))

    def get(self, name: str, default: str = "") -> str:
        return self.props.get(name, ("", default))[1]

    def __contains__(self, name: str) -> bool:
        return name in self.props

    def moment(self, name: str) -> dt.datetime | None:
        params, value = self.props.get(name, ("", ""))
        return _datetime(params, value)

    def event(self):
        from icalendar import Event

        return Event.from_ical("\r\n".join(self.lines) + "\r\n")


@dataclass
class Previous:
    """A calendar runstrength wrote: its athlete, sessions and events by UID."""

    path: str
    athlete: str
    sessions: list[PreviousSession] = field(default_factory=list)
    events: dict[str, OldEvent] = field(default_factory=dict)  # uid -> event

    def live(self) -> list[PreviousSession]:
        return [s for s in self.sessions if not s.cancelled]


def read_previous(path: str | Path, athlete_id: str, zone, data: bytes | None = None
                  ) -> Previous:
    """The previous plan of ``athlete_id`` from ``path`` (times in ``zone``). Read line by
    line: the file is ours, and icalendar's parser would be most of a re-plan's time."""
    from runstrength.fileio import read_input

    name = str(path)
    head, events = _read_events(read_input(path) if data is None else data, name)
    ours = [e for e in events if "X-RUNSTRENGTH-SESSION" in e]
    if "runstrength" not in head.get("PRODID", "") or not (ours or "X-RUNSTRENGTH-ATHLETE"
                                                           in head):
        raise InputError(f"{name}: not a calendar runstrength wrote (no X-RUNSTRENGTH-SESSION "
                         "events): --previous reads back a plan's own .ics")
    owner = head.get("X-RUNSTRENGTH-ATHLETE", "")
    out = Previous(name, owner)
    for event in ours:
        uid = event.get("UID")
        start, end = event.moment("DTSTART"), event.moment("DTEND")
        if start is None or end is None:
            raise InputError(f"{name}: event {uid or '(no UID)'}: no timed DTSTART/DTEND")
        sequence = int(event.get("SEQUENCE", "0")) if event.get("SEQUENCE", "0").isdigit() else 0
        out.sessions.append(PreviousSession(
            uid, event.get("X-RUNSTRENGTH-SESSION"), start.astimezone(zone),
            end.astimezone(zone), _unescape(event.get("SUMMARY")),
            event.get("STATUS").upper() == "CANCELLED", sequence,
            event.get("X-RUNSTRENGTH-LEG-LOAD"), event.get("X-RUNSTRENGTH-GROUP")))
    for event in events:
        uid = event.get("UID")
        if not uid:
            continue
        if event.moment("DTSTAMP") is None:
            raise InputError(f"{name}: event {uid}: no DTSTAMP in UTC (the file was edited?)")
        if not event.get("SEQUENCE", "0").isdigit():
            raise InputError(f"{name}: event {uid}: SEQUENCE is not a number")
        out.events[uid] = event
    if owner and owner != athlete_id:
        raise InputError(f"{name}: the plan of athlete {owner!r}, not {athlete_id!r} "
                         "(--previous takes this athlete's own calendar)")
    if not owner and not _legacy_owner(out, athlete_id, zone):
        raise InputError(f"{name}: not a plan of athlete {athlete_id!r} (its UIDs are "
                         "another athlete's)")
    out.athlete = athlete_id
    out.sessions.sort(key=lambda s: (s.start.astimezone(dt.UTC), s.uid))
    return out


def _read_events(data: bytes, name: str) -> tuple[dict[str, str], list[OldEvent]]:
    """The calendar's own properties and its VEVENTs."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text, so not a calendar runstrength wrote"
                         ) from None
    lines = _unfold(text)
    if not lines or lines[0].upper() != "BEGIN:VCALENDAR":
        raise InputError(f"{name}: not an iCalendar file (it does not start with "
                         "BEGIN:VCALENDAR)")
    head: dict[str, str] = {}
    blocks: list[list[str]] = []
    current: list[str] | None = None
    depth = 0
    for line in lines[1:]:
        upper = line.upper()
        if current is None:
            if upper == "BEGIN:VEVENT":
                current, depth = [line], 0
            elif upper.startswith("BEGIN:"):
                depth += 1
            elif upper.startswith("END:") and depth:
                depth -= 1
            elif not depth:
                key, _, value = _split(line)
                head.setdefault(key, value)
            continue
        current.append(line)
        if upper == "END:VEVENT":
            blocks.append(current)
            current = None
    return head, [OldEvent(block) for block in blocks]


def read_calendar(name: str, data: bytes) -> Previous:
    """Any calendar runstrength wrote that belongs to no athlete (the coach's group
    sessions), for ``carry``."""
    head, events = _read_events(data, name)
    if "runstrength" not in head.get("PRODID", ""):
        raise InputError(f"{name}: not a calendar runstrength wrote")
    out = Previous(name, "")
    for event in events:
        if event.get("UID") and event.moment("DTSTAMP") is not None:
            out.events[event.get("UID")] = event
    return out


def _unfold(text: str) -> list[str]:
    """The logical lines of an iCalendar text (RFC 5545 3.1)."""
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and out:
            out[-1] += raw[1:]
        elif raw:
            out.append(raw)
    return out


def _split(line: str) -> tuple[str, str, str]:
    """(NAME, parameters, value) of a content line; a quoted parameter may hold ':'."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head, value = line[:i], line[i + 1:]
            name, _, params = head.partition(";")
            return name.upper(), params, value
    return line.upper(), "", ""


def _datetime(params: str, value: str) -> dt.datetime | None:
    """A DATE-TIME value: UTC (``Z``), with a TZID, or floating (None for a DATE)."""
    from zoneinfo import ZoneInfo

    try:
        moment = dt.datetime.strptime(value.rstrip("Zz"), "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    if value[-1:] in "Zz":
        return moment.replace(tzinfo=dt.UTC)
    tzid = next((p.split("=", 1)[1].strip('"') for p in params.split(";")
                 if p.upper().startswith("TZID=")), None)
    if tzid:
        try:
            return moment.replace(tzinfo=ZoneInfo(tzid))
        except (KeyError, ValueError):
            return None
    return moment


def _unescape(text: str) -> str:
    """A TEXT value's escapes undone in one pass (RFC 5545 3.3.11)."""
    import re

    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], text)


def _legacy_owner(prev: Previous, athlete_id: str, zone) -> bool:
    """A calendar written before X-RUNSTRENGTH-ATHLETE: its UIDs tell the athlete."""
    from runstrength.uids import session_uid

    return any(s.uid == session_uid(athlete_id, s.start.astimezone(zone).date(), s.kind)
               for s in prev.sessions)


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


# ---- the inputs of a re-plan (``api.prepare``) --------------------------------------------


def log_vs_today(log, today: dt.date | None) -> list[str]:
    """Warnings when the done-log and the re-plan's first day do not meet."""
    if today is None or not log.entries:
        return []
    after = [e for e in log.entries if e.day >= today]
    last = max(e.day for e in log.entries)
    out = []
    if after:
        out.append(f"{log.path}: {len(after)} row(s) on or after --today {today} (from line "
                   f"{after[0].row}): a re-plan keeps only what was before it, so they are "
                   "not used")
    elif (today - last).days > 7:
        out.append(f"{log.path}: the log ends on {last}, {(today - last).days} days before "
                   f"--today {today}: the sessions between are kept as done")
    return out


def done_log(done):
    """The done-log: read from a path, or as given (a ``donelog.DoneLog`` or None)."""
    if done is None or hasattr(done, "entries"):
        return done
    from runstrength.donelog import read_log

    return read_log(done)


def previous_slots(previous, athlete) -> list[tuple]:
    """The earlier plan's sessions (day, kind id, start, end, group or ""): from its
    sessions, a Plan or its calendar read (``replan.read_previous``)."""
    if hasattr(previous, "live"):  # a previous calendar
        return [(s.start.astimezone(athlete.zone).date(), s.kind, s.start, s.end, s.group)
                for s in previous.live()]
    sessions = previous.sessions if _is_plan(previous) else list(previous)
    return [(s.start.astimezone(athlete.zone).date() if s.start.tzinfo else s.day,
             s.kind, s.start, s.end, s.group) for s in sessions]


def previous_uids(previous) -> list[tuple]:
    """(uid, kind id, start, group) of the earlier plan's live sessions, when it has UIDs (a
    calendar, or a Plan); else none."""
    if hasattr(previous, "live"):
        return [(s.uid, s.kind, s.start, s.group) for s in previous.live()]
    if _is_plan(previous):
        from runstrength.uids import plan_uids

        return [(uid, s.kind, s.start, s.group)
                for uid, s in zip(plan_uids(previous), previous.sessions, strict=True)]
    return []


def missed_weeks(weeks: list, slots: list[tuple], skipped: set[dt.date], today: dt.date,
                 k) -> list:
    """``weeks`` with the block not advanced by a missed week: a week over before ``today``
    that the done-log marks skipped and that kept no strength session does not count, so
    each later week of its block is one week earlier in the block (its sets, reps and load
    steps)."""
    strength = {kind.id for kind in k.sessions.values() if kind.counts_as_strength}
    out, missed = [], {}
    for w in weeks:
        days = w.days()
        done = [d for d, kind, *_ in slots if kind in strength and d in days
                and d not in skipped]
        if days[-1] < today and not done and any(d in skipped for d in days):
            missed[w.block] = missed.get(w.block, 0) + 1
            out.append(w)
            continue
        back = missed.get(w.block, 0)
        out.append(w.model_copy(update={"block_week": max(1, w.block_week - back)})
                   if back else w)
    return out


def _is_plan(value) -> bool:
    from runstrength.domain import Plan

    return isinstance(value, Plan)


def carry(events: list, previous: Previous | None, stamp: dt.datetime, *,
          today: dt.date | None = None, feed: bool = False,
          skipped: set[dt.date] = frozenset()) -> list:
    """``events`` (the new plan's, with DTSTAMP ``stamp`` and SEQUENCE 0) set beside the
    previous calendar's, and the cancelled events of the sessions that went. Before
    ``today`` the previous events stay as they were, also where the new plan has none (a
    schedule that holds only the runs to come), unless ``skipped`` (the done-log) names their
    day."""
    if previous is None:
        return events
    # a changed event's DTSTAMP is never older than the one it replaces
    # and not older than the re-plan's first day
    first = [dt.datetime.combine(today, dt.time(), dt.UTC)] if today is not None else []
    newest = [t + dt.timedelta(seconds=1) for e in previous.events.values()
              if (t := e.moment("DTSTAMP")) is not None]
    stamp = max([stamp, *first, *newest])
    out = []
    seen = set()
    for event in events:
        uid = str(event["UID"])
        seen.add(uid)
        old = previous.events.get(uid)
        if old is None:
            out.append(event)
            continue
        if today is not None and event.decoded("DTSTART").date() < today:
            if not (feed and old.get("STATUS").upper() == "CANCELLED"):
                out.append(old.event())  # before the re-plan's first day: as it was
            continue
        sequence = _sequence(old)
        lines = [str(line) for line in event.content_lines(sorted=True) if line]
        if _without(old.lines, STAMPS) != _without(lines, STAMPS):
            # moved, or its content changed (new cues): apps that keep the higher SEQUENCE
            # take the new version
            _stamp(event, sequence + 1, stamp, stamp)
        else:
            _stamp(event, sequence, old.moment("DTSTAMP"), old.moment("LAST-MODIFIED"))
        out.append(event)
    for uid, old in previous.events.items():
        if uid in seen or not ("X-RUNSTRENGTH-SESSION" in old or "X-RUNSTRENGTH-RUN" in old):
            continue
        start = old.moment("DTSTART")
        cancelled = old.get("STATUS").upper() == "CANCELLED"
        if (today is not None and start is not None and start.date() < today
                and start.date() not in skipped):
            if not (feed and cancelled):  # a feed holds no cancelled event
                out.append(old.event())  # the past as it was
            continue
        if feed or "X-RUNSTRENGTH-GROUP" in old:
            # a group session's UID is shared with the other attendees' calendars and the
            # coach's: a CANCELLED one here would cancel it there too, so it just goes
            continue
        gone = old.event()
        if not cancelled:
            del gone["STATUS"]
            gone.add("status", "CANCELLED")
            _stamp(gone, _sequence(old) + 1, stamp, stamp)
        out.append(gone)
    return out


def _sequence(old: OldEvent) -> int:
    value = old.get("SEQUENCE", "0")
    return int(value) if value.isdigit() else 0


def _stamp(event, sequence: int, stamp, modified) -> None:
    for name in STAMPS:
        if name in event:
            del event[name]
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    if modified:
        event.add("last-modified", modified)


def _name(line: str) -> str:
    return line.split(":", 1)[0].split(";", 1)[0].upper()


def _without(lines: list[str], names: tuple[str, ...]) -> list[str]:
    return [line for line in lines if _name(line) not in names]


def apply_log(plan, log, k, today: dt.date | None = None):
    """``plan`` with each lift's next session (on or after ``today``) cued from the load the
    done-log ``log`` last names for it: one step up (``[progression.logged]``) in a week
    that steps up, the same load in a deload, taper, race or recovery week, after a gap
    (``gap_days``) or after a skipped session (back from illness or a missed week). Lifts
    the log
    names with no weight (bodyweight, a band) keep the plan's cue."""
    from runstrength.donelog import next_load
    from runstrength.prescription.dose import join_load
    from runstrength.prescription.structure import week_load

    how = k.prescription.progression.logged
    step = k.prescription.progression.step_percent[1]
    skipped = log.skipped_days()
    cued: set[str] = set()
    new = {}  # id of a session -> it, cued
    zone = plan.athlete.zone
    for s in sorted(plan.sessions, key=lambda s: s.start.astimezone(dt.UTC)):
        day = s.start.astimezone(zone).date()
        new[id(s)] = s
        if today is not None and day < today:
            continue
        items, changed = [], False
        for p in s.exercises:
            entry = None if p.test or p.exercise.id in cued else log.last(p.exercise.name, day)
            if entry is None or entry.kg is None:
                items.append(p)
                continue
            cued.add(p.exercise.id)
            hold = (s.deload or s.phase in how.hold_phases
                    or (day - entry.day).days > how.gap_days
                    or any(entry.day < d < day for d in skipped))
            ahead = None if hold else next_load(entry, step, how.round_kg)
            text = (how.hold if ahead is None else how.step).format(
                sets=entry.sets, reps=entry.reps, load=entry.load, next=ahead or entry.load)
            items.append(p.model_copy(update={"progression": text, "logged": text,
                                              "load": join_load(p.effort, text)}))
            changed = True
        if changed:  # the week's cue is for the lifts the log does not name
            new[id(s)] = s.model_copy(update={"exercises": items, "week_load": week_load(
                [p for p in items if not p.logged], k)})
    return plan.model_copy(update={"sessions": [new[id(s)] for s in plan.sessions]})


def log_rows(data: bytes, path: str, until: dt.date | None = None
             ) -> list[tuple[dt.date, str, int, str]]:
    """The rows of a done-log template for a calendar runstrength wrote: (day, exercise,
    sets, reps) of each main-block line of each session up to ``until``, from DESCRIPTION."""
    import re

    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception:
        raise InputError(f"{path}: not an iCalendar file; log-template reads the .ics a plan "
                         "wrote") from None
    events = [e for e in cal.walk("VEVENT") if "X-RUNSTRENGTH-SESSION" in e
              and str(e.get("STATUS", "")).upper() != "CANCELLED"]
    if not events:
        raise InputError(f"{path}: not a calendar runstrength wrote (no X-RUNSTRENGTH-SESSION "
                         "events)")
    line = re.compile(r"^- (?P<name>[^:]+?)(?: \(instead of [^)]*\))?: (?P<sets>\d+) x "
                      r"(?P<reps>.+?)(?: per side)?(?:, rest |; | \(|\. |$)")
    rows = []
    for event in sorted(events, key=lambda e: e.decoded("DTSTART")):
        start = event.decoded("DTSTART")
        day = start.date() if isinstance(start, dt.datetime) else start
        if until is not None and day > until:
            continue
        main = False
        for text in str(event.get("DESCRIPTION", "")).splitlines():
            if text.startswith("Main block"):
                main = True
            elif not text.strip():
                main = False
            elif main and (m := line.match(text)):
                rows.append((day, m["name"], int(m["sets"]), m["reps"].strip()))
    return rows
