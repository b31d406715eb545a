"""What a re-plan changed: each session moved, dropped or added, and why, in plain words.

Sessions are matched by UID (``uids``: a session's slot in its week), so a session that moved
within its week is one change, "moved", not a drop and an add. The reasons come from the new
plan's own inputs: a run now at the old time or the day after it, busy time, a session the
done-log says was skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runstrength.domain import Plan

COLUMNS = ["change", "session", "from", "to", "why", "uid"]


@dataclass(frozen=True)
class Change:
    """One session the re-plan moved, dropped or added."""

    what: str  # "moved", "dropped", "added" or "changed" (same start, another end)
    session: str  # its name, e.g. "posterior chain"
    old: dt.datetime | None
    new: dt.datetime | None
    why: str
    uid: str

    def line(self) -> str:
        """"Wed 13 Jan posterior chain -> Thu 14 Jan 18:00: the intervals run is on Wed now"."""
        if self.what == "moved":
            to = (f"{self.new:%H:%M}" if self.old and self.new.date() == self.old.date()
                  else f"{self.new:%a %d %b %H:%M}")
            text = f"{self.old:%a %d %b %H:%M} {self.session} -> {to}"
        elif self.what == "changed":
            text = f"{self.old:%a %d %b %H:%M} {self.session}: longer or shorter"
        elif self.what == "dropped":
            text = f"{self.old:%a %d %b %H:%M} {self.session}: dropped"
        else:
            text = f"{self.new:%a %d %b %H:%M} {self.session}: added"
        return f"{text}: {self.why}" if self.why else text

    def row(self) -> dict[str, str]:
        return {"change": self.what, "session": self.session,
                "from": self.old.isoformat() if self.old else "",
                "to": self.new.isoformat() if self.new else "", "why": self.why,
                "uid": self.uid}


@dataclass(frozen=True)
class _Slot:
    uid: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    heavy: bool


def _slots_of(old, zone) -> list[_Slot]:
    """The sessions of ``old``: a Plan, or a ``replan.Previous`` (its live sessions)."""
    if hasattr(old, "live"):
        return [_Slot(s.uid, s.kind, s.start.astimezone(zone), s.end.astimezone(zone),
                      s.leg_load == "heavy") for s in old.live()]
    from runstrength.uids import plan_uids

    return [_Slot(uid, s.kind, s.start.astimezone(zone), s.end.astimezone(zone),
                  str(s.leg_load) == "heavy")
            for uid, s in zip(plan_uids(old), old.sessions, strict=True)]


def changes(old, new: Plan, *, skipped: set[dt.date] = frozenset(),
            today: dt.date | None = None) -> list[Change]:
    """The changes from ``old`` (a Plan or a previous calendar) to ``new``, in order of time.
    ``skipped``: days the done-log marks as skipped; ``today``: the re-plan's first day."""
    from runstrength.uids import plan_uids

    zone = new.athlete.zone
    before = {s.uid: s for s in _slots_of(old, zone)}
    now = {uid: s for uid, s in zip(plan_uids(new), new.sessions, strict=True)}
    out = []
    for uid, slot in before.items():
        session = now.get(uid)
        if today is not None and slot.start.date() < today and slot.start.date() not in skipped:
            continue  # before the re-plan: the calendar keeps it as it was
        if session is not None and session.start.astimezone(zone) == slot.start:
            if session.end.astimezone(zone) != slot.end:
                out.append(Change("changed", _kind_name(slot.kind), slot.start,
                                  session.start.astimezone(zone),
                                  f"now {session.end.astimezone(zone):%H:%M} to end "
                                  f"(was {slot.end:%H:%M})", uid))
            continue
        why = _why_gone(slot, new, skipped, today)
        if session is None:
            out.append(Change("dropped", _kind_name(slot.kind), slot.start, None, why, uid))
        else:
            out.append(Change("moved", _kind_name(slot.kind), slot.start,
                              session.start.astimezone(zone), why, uid))
    for uid, session in now.items():
        if uid not in before:
            start = session.start.astimezone(zone)
            why = ("in place of the skipped session" if any(
                d.isocalendar()[:2] == start.isocalendar()[:2] for d in skipped)
                else "a session the week has room for now")
            out.append(Change("added", _kind_name(session.kind), None, start, why, uid))
    return sorted(out, key=lambda c: ((c.old or c.new).astimezone(dt.UTC), c.uid))


def _why_gone(slot: _Slot, new: Plan, skipped: set[dt.date], today: dt.date | None) -> str:
    """Why the old place of ``slot`` is not used now, in the new plan's terms."""
    day = slot.start.date()
    if day in skipped:
        return "skipped (done log)"
    if today is not None and day < today:
        return "before the re-plan's first day"
    zone = new.athlete.zone
    runs = sorted(new.runs, key=lambda r: r.start)
    for r in runs:
        if r.start.astimezone(zone) < slot.end and slot.start < r.end.astimezone(zone):
            return f"the {_run(r)} is at that time now"
    key = {str(k) for k in new.key_runs}
    for r in runs:
        if str(r.kind) in key and r.start.astimezone(zone).date() == day:
            return f"the {_run(r)} is on {day:%a} now"
    if slot.heavy:
        after = day + dt.timedelta(days=1)
        for r in runs:
            if str(r.kind) in key and r.start.astimezone(zone).date() == after:
                return f"heavy legs would come the day before the {_run(r)} ({after:%a})"
    for b in new.busy:
        if b.start.astimezone(zone) < slot.end and slot.start < b.end.astimezone(zone):
            return f"busy then now ({b.title})" if b.title else "busy then now"
    there = [x for x in new.sessions if x.start.astimezone(zone).date() == day
             and x.kind != slot.kind]
    if there:
        return f"{day:%a} now holds the {_kind_name(there[0].kind)} session"
    return "the week's sessions were placed again around what changed"


def _kind_name(kind: str) -> str:
    """A session kind id in words: posterior_chain -> "posterior chain"."""
    return kind.replace("-", " ").replace("_", " ")


def _run(r) -> str:
    kind = str(r.kind)
    return "long run" if kind == "long" else "race" if kind == "race" else f"{kind} run"


def counted(items: list[Change]) -> str:
    """"2 moved, 3 dropped" ("" for no change)."""
    counts = {w: sum(1 for c in items if c.what == w)
              for w in ("moved", "dropped", "added", "changed")}
    return ", ".join(f"{n} {w}" for w, n in counts.items() if n)


def changes_csv(items: list[Change]) -> bytes:
    """The changes as CSV (``COLUMNS``), one row each, in order of time."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for change in items:
        writer.writerow(change.row())
    return out.getvalue().encode("utf-8")
