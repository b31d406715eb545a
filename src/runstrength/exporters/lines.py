"""Events written straight as the content lines icalendar would write for them.

Building an ``icalendar.Event`` property by property and serialising it is most of an
export's time (about 25 ms for an 18-week plan, some twenty microseconds a line), for a
handful of property kinds that never change. :class:`Lines` writes those lines itself: the
values still go through icalendar's own value types where they need escaping (TEXT,
CATEGORIES, DURATION) and a zone's TZID parameter is the one icalendar derives, so the bytes
are those ``Event.to_ical`` gives (tests/test_export_lines.py: events against the ones
icalendar builds, and whole calendars icalendar reads and writes back unchanged).
:meth:`Written.event` turns one back into an
``icalendar.Event`` for the re-plan, which works on icalendar's events.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from icalendar import Alarm, Event, vCategory, vDDDTypes, vDuration, vText
from icalendar.caselessdict import canonsort_keys

__all__ = ["Lines", "Written", "alarm", "text"]


@dataclass
class Written:
    """One event as written: its content lines from BEGIN to END (unfolded), its UID and
    times (the calendar's order and its VTIMEZONE come from them)."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    lines: list[str]

    def event(self) -> Event:
        """The event as icalendar reads it."""
        return Event.from_ical("\r\n".join(self.lines) + "\r\n")


class Lines:
    """The properties of one component, put in icalendar's order when written."""

    def __init__(self, component: type = Event) -> None:
        self.component = component
        self.props: dict[str, str] = {}

    def text(self, name: str, value: str) -> None:
        """A TEXT property (escaped)."""
        self.props[name] = f"{name}:{text(value)}"

    def raw(self, name: str, value: str) -> None:
        """A property icalendar writes verbatim (X- properties: UNKNOWN values)."""
        self.props[name] = f"{name}:{value}"

    def number(self, name: str, value: int) -> None:
        self.props[name] = f"{name}:{int(value)}"

    def categories(self, name: str, values: tuple[str, ...]) -> None:
        self.props[name] = f"{name}:{_categories(tuple(values))}"

    def moment(self, name: str, moment: dt.datetime) -> None:
        """A DATE-TIME with the TZID (or the ``Z``) icalendar gives its zone."""
        params, utc = _zone(moment.tzinfo)
        self.props[name] = (f"{name}{params}:{moment.year:04}{moment.month:02}{moment.day:02}"
                            f"T{moment.hour:02}{moment.minute:02}{moment.second:02}{utc}")

    def written(self, *, inside: list[str] = ()) -> list[str]:
        """BEGIN, the properties in the component's canonical order, ``inside`` (the lines of
        subcomponents), END."""
        name = self.component.name
        order = canonsort_keys(self.props, getattr(self.component, "canonical_order", None))
        return [f"BEGIN:{name}", *(self.props[k] for k in order), *inside, f"END:{name}"]


@functools.lru_cache(maxsize=4096)  # summaries, kinds and phases repeat
def _short_text(value: str) -> str:
    return vText(value).to_ical().decode()


def text(value: str) -> str:
    """``value`` as a TEXT value, escaped as icalendar escapes it."""
    return _short_text(value) if len(value) <= 80 else vText(value).to_ical().decode()


@functools.lru_cache(maxsize=256)
def _categories(values: tuple[str, ...]) -> str:
    return vCategory(list(values)).to_ical().decode()


@functools.lru_cache(maxsize=64)
def _zone(tzinfo: dt.tzinfo | None) -> tuple[str, str]:
    """``(";TZID=..." or "", "Z" or "")`` as icalendar writes a DATE-TIME in ``tzinfo``."""
    prop = vDDDTypes(dt.datetime(2000, 1, 1, tzinfo=tzinfo))
    params = prop.params.to_ical().decode()
    written = prop.to_ical().decode()
    return (f";{params}" if params else ""), ("Z" if written.endswith("Z") else "")


@functools.lru_cache(maxsize=64)
def alarm(minutes: int, summary: str) -> tuple[str, ...]:
    """A display alarm ``minutes`` before the event, saying ``summary``."""
    lines = Lines(Alarm)
    lines.text("ACTION", "DISPLAY")
    before = vDuration(dt.timedelta(minutes=-minutes)).to_ical().decode()
    lines.props["TRIGGER"] = f"TRIGGER:{before}"
    lines.text("DESCRIPTION", summary)
    return tuple(lines.written())
