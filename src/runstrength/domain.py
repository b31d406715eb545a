"""Domain models shared by every step of the pipeline.

Each step (import, classify, periodize, solve, prescribe, export) takes and returns these
pydantic models, so a step can be tested alone.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from runstrength.text import one_line
from runstrength.writers import WRITERS  # Plan's writers, registered by runstrength.exporters

#: A name, title or reason from the user's files, made one printable line on the way in.
Line = Annotated[str, AfterValidator(one_line)]

#: The years a date of ours may fall in: a season, its races and runs (9999-12-31 would
#: overflow the day arithmetic; 0001 is a typo).
YEARS = (1900, 2200)


def plausible_date(day: dt.date) -> dt.date:
    """``day``, or ``ValueError`` when its year is outside :data:`YEARS`."""
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"{day} is not a date a season can hold (years {YEARS[0]}-{YEARS[1]})")
    return day


def local_at(day: dt.date, clock: dt.time, zone: ZoneInfo) -> dt.datetime:
    """``clock`` on ``day`` in ``zone`` as a time that exists: one the clocks skip (01:30 on
    the spring-forward night in London) is moved on by the gap (02:30)."""
    wall = dt.datetime.combine(day, clock, zone)
    return wall.astimezone(dt.UTC).astimezone(zone)


def after(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``moment`` plus ``delta`` of real elapsed time, in ``moment``'s zone (plain ``+`` on an
    aware datetime adds wall-clock time: a 180-minute block over a clock change would end
    an hour off)."""
    if moment.tzinfo is None:
        return moment + delta
    return (moment.astimezone(dt.UTC) + delta).astimezone(moment.tzinfo)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The weekday spellings a profile may use: mon..sun and the full English names, any case.
WEEKDAY_KEYS = {**{d: d for d in WEEKDAYS}, **dict(zip(_DAY_NAMES, WEEKDAYS, strict=True))}


def weekday_key(key: object) -> str:
    """``mon``..``sun`` for a profile's weekday key, or ``ValueError`` with a suggestion.

    Only the short and the full English names count (any case): a prefix such as ``wedn`` or
    ``thurs`` is refused, so a typo never silently drops or moves a day's windows.
    """
    import difflib

    text = str(key).strip().lower()
    if text in WEEKDAY_KEYS:
        return WEEKDAY_KEYS[text]
    close = difflib.get_close_matches(text, list(WEEKDAY_KEYS), n=1, cutoff=0.6)
    hint = f"did you mean {WEEKDAY_KEYS[close[0]]!r}? " if close else ""
    raise ValueError(f"{key!r} is not a weekday; {hint}use mon, tue, wed, thu, fri, sat, sun "
                     "or the full names")


class RunKind(StrEnum):
    EASY = "easy"
    RECOVERY = "recovery"
    LONG = "long"
    INTERVALS = "intervals"
    TEMPO = "tempo"
    HILLS = "hills"
    RACE = "race"


class LegLoad(StrEnum):
    HEAVY = "heavy"
    MODERATE = "moderate"
    LIGHT = "light"
    NONE = "none"


class Phase(StrEnum):
    BASE = "base"
    BUILD = "build"
    PEAK = "peak"
    TAPER = "taper"
    RACE_WEEK = "race-week"
    RECOVERY = "recovery"


class Level(StrEnum):
    BEGINNER = "beginner"
    RECREATIONAL = "recreational"
    MARATHON = "marathon"
    ADVANCED = "advanced"


class Distance(StrEnum):
    K5 = "5k"
    K10 = "10k"
    HALF = "half"
    MARATHON = "marathon"
    ULTRA = "ultra"


class Priority(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Category(StrEnum):
    POSTERIOR = "posterior"
    UNILATERAL = "unilateral"
    CORE = "core"
    HIP = "hip"
    CALF = "calf"
    UPPER_PUSH = "upper_push"
    UPPER_PULL = "upper_pull"
    PLYOMETRIC = "plyometric"
    MOBILITY = "mobility"
    PREP = "prep"  # warm-up and cool-down drills: never working sets


#: The three categories whose weekly working sets the objective balances.
BALANCED = (Category.POSTERIOR, Category.UNILATERAL, Category.CORE)

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def clock_value(value: object) -> object:
    """A profile's time of day: ``"HH:MM"`` text or a TOML local time, nothing else.

    pydantic alone would read a number as seconds after midnight (``run_time = 7`` as 00:00:07).
    """
    if isinstance(value, str):
        return parse_clock(value)
    if isinstance(value, dt.time) or value is None:
        return value
    raise ValueError(f"{value!r} is not a time of day; write \"HH:MM\", e.g. \"07:00\"")


def parse_clock(text: str) -> dt.time:
    """Parse ``HH:MM`` (24 h) into a time, or raise ``ValueError`` saying what is allowed."""
    m = _CLOCK.match(text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM between 00:00 and 23:59")
    return dt.time(int(m[1]), int(m[2]))


_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def _zone_spellings() -> dict[str, str]:
    from zoneinfo import available_timezones

    return {z.lower(): z for z in sorted(available_timezones() - _NOT_ZONES)}


def _zone_spelling(value: str) -> str | None:
    """The zone's own spelling for a name in another case or with spaces for underscores."""
    return _zone_spellings().get(value.strip().replace(" ", "_").lower())


def _zone_hint(value: str) -> str:
    match = _zone_spelling(value)
    return f"did you mean {match!r}?" if match else "use an IANA name such as Europe/London"


class Window(BaseModel):
    """A span of local clock time within one day."""

    model_config = ConfigDict(frozen=True)

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> Window:
        m = _WINDOW.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a window; write HH:MM-HH:MM, e.g. 06:00-07:30")
        sh, sm, eh, em = (int(g) for g in m.groups())
        if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
            raise ValueError(f"{text!r} is not a window within one day; write HH:MM-HH:MM "
                             "between 00:00 and 24:00")
        end = dt.time(23, 59) if eh == 24 else dt.time(eh, em)
        if (eh, em) <= (sh, sm):
            raise ValueError(f"{text!r} ends before it starts")
        return cls(start=dt.time(sh, sm), end=end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class Race(BaseModel):
    """A race on the athlete's calendar."""

    model_config = ConfigDict(extra="forbid")  # a misspelt "priorty" must not default to A

    date: Annotated[dt.date, AfterValidator(plausible_date)] = Field(
        description="Race day (local).")
    distance: Distance = Field(description="5k | 10k | half | marathon | ultra.")
    priority: Priority = Field(Priority.A, description="A (full taper), B (race week), C (none).")
    name: Line = Field("", description="Name shown in summaries.")

    @property
    def label(self) -> str:
        return self.name or f"{self.distance} ({self.priority})"


def merge_windows(windows: list[Window]) -> list[Window]:
    """Windows of one day in order, overlapping or touching ones as one (a profile with 200
    windows a day is a few windows to the planner)."""
    out: list[Window] = []
    for w in sorted(windows, key=lambda w: (w.start, w.end)):
        if out and w.start <= out[-1].end:
            out[-1] = Window(start=out[-1].start, end=max(out[-1].end, w.end))
        else:
            out.append(w)
    return out


class Blackout(BaseModel):
    """Dates with no strength session at all (travel, illness)."""

    model_config = ConfigDict(extra="forbid")

    start: Annotated[dt.date, AfterValidator(plausible_date)]
    end: Annotated[dt.date, AfterValidator(plausible_date)]
    reason: Line = ""

    @model_validator(mode="after")
    def _ordered(self) -> Blackout:
        if self.end < self.start:
            raise ValueError(f"blackout ends ({self.end}) before it starts ({self.start})")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class Preferences(BaseModel):
    """Soft wishes: the plan honours them when the rules leave room."""

    model_config = ConfigDict(extra="forbid")

    days: list[str] = Field(default_factory=list, description="Preferred weekdays, mon..sun.")
    time: dt.time | None = Field(None, description="Preferred start time HH:MM.")

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        return [weekday_key(d) for d in value]

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: object) -> object:
        return clock_value(value)


@cache
def _has(equipment: tuple[str, ...], needed: tuple[str, ...]) -> bool:
    have = {e.lower() for e in equipment}
    return "gym" in have or all(n == "bodyweight" or n in have for n in needed)


class Athlete(BaseModel):
    """The athlete profile (TOML): who trains, when, with what, towards which races."""

    model_config = ConfigDict(extra="forbid")

    id: Line = Field("", description="Identifier used in UIDs; defaults to the profile's stem.")
    name: Line = Field("", description="Display name.")
    level: Level = Field(Level.RECREATIONAL, description="beginner|recreational|marathon|advanced")
    timezone: str | None = Field(
        None, description="IANA zone of the athlete's local times; required unless the running "
        "calendar names one (X-WR-TIMEZONE or its runs' TZIDs).")
    session_minutes: int = Field(45, ge=10, le=180, description="Longest strength session wanted.")
    equipment: list[str] = Field(default_factory=list, description="Besides bodyweight; gym = all.")
    run_time: dt.time = Field(dt.time(7, 0), description="Start assumed for all-day runs.")
    run_minutes: int = Field(60, ge=5, le=600, description="Length assumed for runs with no end.")
    availability: dict[str, list[Window]] = Field(
        default_factory=dict, description="mon..sun -> local windows; a missing day = unavailable."
    )
    races: list[Race] = Field(default_factory=list)
    blackouts: list[Blackout] = Field(default_factory=list)
    preferences: Preferences = Field(default_factory=Preferences)
    keywords: dict[RunKind, list[str]] = Field(
        default_factory=dict, description="Extra title keywords per run kind (classification)."
    )
    key_runs: list[RunKind] | None = Field(
        None, description="Run kinds treated as key runs; default from models/rules.toml."
    )
    holidays: str | list[dt.date] | None = Field(
        None, description="Days the athlete would rather not train: a country code (\"GB\", "
        "\"US-NY\" with a subdivision; the holidays package) or a list of dates.")
    _source: str = PrivateAttr("profile")  # the file it was read from, for error messages

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, value: str | list[dt.date] | None) -> str | list[dt.date] | None:
        if not isinstance(value, str):
            return value
        import difflib

        import holidays as package

        country, _, sub = value.strip().upper().partition("-")
        supported = package.list_supported_countries()
        if country not in supported:
            close = difflib.get_close_matches(country, list(supported), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(f"{value!r} is not a country the holidays package knows; {hint}"
                             "use an ISO code such as \"GB\" or \"US-NY\", or a list of dates")
        if sub and sub not in supported[country]:
            raise ValueError(f"{value!r}: {sub!r} is not a subdivision of {country}; use one "
                             f"of {', '.join(supported[country][:12])}")
        return f"{country}-{sub}" if sub else country

    def holiday_days(self, years: list[int]) -> dict[dt.date, str]:
        """The profile's holidays in ``years``: date -> name."""
        if self.holidays is None:
            return {}
        if not isinstance(self.holidays, str):
            return {d: "holiday" for d in self.holidays}
        import holidays as package

        country, _, sub = self.holidays.partition("-")
        found = package.country_holidays(country, subdiv=sub or None, years=years)
        return {d: str(name) for d, name in sorted(found.items())}

    @property
    def source(self) -> str:
        return self._source

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        # "localtime" and "posixrules" are files of the local tz database, not zones: they
        # would make the plan depend on the machine; "Factory" has no real offset.
        try:
            if value in _NOT_ZONES:
                raise ValueError(value)
            ZoneInfo(value)
            # a case-insensitive file system finds "europe/london", which then goes into
            # TZIDs that other calendars do not know
            spelling = _zone_spelling(value)
            if spelling is not None and spelling != value:
                raise ValueError(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: name too long
            raise ValueError(f"unknown time zone {value!r}; {_zone_hint(value)}") from exc
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: dict[RunKind, list[str]]) -> dict[RunKind, list[str]]:
        for words in value.values():
            for word in words:
                if word.startswith("re:"):
                    try:
                        re.compile(word[3:])
                    except re.error as exc:
                        raise ValueError(
                            f"{word!r} is not a valid regular expression: {exc}") from None
        return value

    @field_validator("run_time", mode="before")
    @classmethod
    def _run_time(cls, value: object) -> object:
        return clock_value(value)

    @field_validator("availability", mode="before")
    @classmethod
    def _availability(cls, value: object) -> object:
        if not isinstance(value, dict):
            raise ValueError("availability must be a table of weekday = [windows]")
        out: dict[str, list[Window]] = {}
        given: dict[str, object] = {}  # day -> the key that named it
        for key, windows in value.items():
            day = weekday_key(key)
            if day in given:
                raise ValueError(f"{given[day]!r} and {key!r} both name {day}; give each day "
                                 "once, with all its windows in one list")
            given[day] = key
            if isinstance(windows, str):
                windows = [windows]
            if not isinstance(windows, list | tuple):
                raise ValueError(f"{day}: {windows!r} is not a list of windows; "
                                 'write e.g. ["06:00-07:30", "18:00-20:30"]')
            try:
                out[day] = merge_windows(
                    [w if isinstance(w, Window) else Window.parse(str(w)) for w in windows])
            except ValueError as exc:
                raise ValueError(f"{day}: {exc}") from None
        return out

    @field_validator("blackouts")
    @classmethod
    def _blackouts(cls, value: list[Blackout]) -> list[Blackout]:
        """Overlapping, touching and repeated blackouts as one each (their reasons joined)."""
        out: list[Blackout] = []
        for b in sorted(value, key=lambda b: (b.start, b.end)):
            if out and b.start <= out[-1].end + dt.timedelta(days=1):
                last = out[-1]
                reasons = list(dict.fromkeys(r for r in (*last.reason.split("; "), b.reason) if r))
                out[-1] = Blackout(start=last.start, end=max(last.end, b.end),
                                   reason="; ".join(reasons))
            else:
                out.append(b)
        return out

    @property
    def zone(self) -> ZoneInfo:
        # None only before the calendar's zone is taken (importers.load_schedule); planning
        # refuses an athlete without one
        return ZoneInfo(self.timezone or "UTC")

    def windows_on(self, day: dt.date) -> list[Window]:
        return self.availability.get(WEEKDAYS[day.weekday()], [])

    def has_equipment(self, needed: list[str]) -> bool:
        """True when every item of ``needed`` is available (bodyweight always is)."""
        return _has(tuple(self.equipment), tuple(needed))


class RunWorkout(BaseModel):
    """A run from the imported schedule, in the athlete's local time."""

    start: dt.datetime = Field(description="Aware local start.")
    end: dt.datetime = Field(description="Aware local end.")
    kind: RunKind
    title: Line = ""
    all_day: bool = Field(False, description="Imported as an all-day event (time assumed).")
    source: Line = Field("", description="Where it came from: file and line or event UID.")

    @property
    def day(self) -> dt.date:
        return self.start.date()


class BusyBlock(BaseModel):
    """Time the athlete cannot train (work, family, other calendar events)."""

    start: dt.datetime
    end: dt.datetime
    title: Line = ""
    source: Line = ""


class OwnSession(BaseModel):
    """A strength session the athlete already has in the running calendar ("Gym - legs", a
    TrainingPeaks ``Strength:`` workout): kept as it is, counted in its week, and nothing of
    ours is placed that day."""

    start: dt.datetime
    end: dt.datetime
    title: Line = ""
    leg_load: LegLoad = LegLoad.MODERATE
    source: Line = ""
    core: bool = Field(False, description="Holds core work (by its title): a core day.")
    counts: bool = Field(True, description="Counts towards the week's minimum and maximum "
                         "(long enough: rules.toml own_session_min_minutes).")

    @property
    def day(self) -> dt.date:
        return self.start.date()

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class Schedule(BaseModel):
    """Everything imported from the running schedule and busy calendars."""

    runs: list[RunWorkout] = Field(default_factory=list)
    busy: list[BusyBlock] = Field(default_factory=list)
    own: list[OwnSession] = Field(default_factory=list, description="The athlete's own "
                                  "strength sessions found in the running schedule.")
    warnings: list[str] = Field(default_factory=list)
    stamp: dt.datetime | None = Field(None, description="Newest DTSTAMP/LAST-MODIFIED seen.")
    source: str = Field("schedule", description="The file it was read from.")
    timezone: str | None = Field(None, description="The zone taken from the calendar for a "
                                 "profile that names none.")


class Week(BaseModel):
    """One Monday-to-Sunday week of the season."""

    index: int = Field(description="1-based week number in the season.")
    monday: dt.date
    first: dt.date | None = Field(None, description="First day inside the season (Monday).")
    last: dt.date | None = Field(None, description="Last day inside the season (Sunday).")
    phase: Phase
    deload: bool = False
    race: Race | None = Field(None, description="A race in this week, if any.")
    min_sessions: int = Field(0, description="Sessions to place: the phase's minimum less the "
                              "athlete's own strength sessions that week.")
    max_sessions: int = Field(3, description="Most sessions to place: the phase's maximum less "
                              "the athlete's own.")
    own_sessions: int = Field(0, description="The athlete's own strength sessions this week "
                              "(from the running schedule).")
    phase_sessions: tuple[int, int] | None = Field(
        None, description="The phase's minimum and maximum before the athlete's own sessions "
        "were taken off (None: as min_sessions, max_sessions).")
    targets: dict[Category, int] = Field(default_factory=dict, description="Weekly working sets.")
    block: int = Field(1, description="Training block (deload cycle) of this week, 1-based.")
    block_week: int = Field(1, description="Week within its block, 1-based.")
    block_end: bool = Field(False, description="The re-test week: its block's last loading "
                            "week (before the deload).")
    emphasis: str = Field("", description="Training emphasis, e.g. strength-endurance, strength, "
                          "power (models/prescription.toml).")
    volume_share: float = Field(1.0, description="Share of the sets kept in a week back after "
                                "a race (periodization.toml [return_after_race]).")
    leg_cap: int | None = Field(None, description="Most posterior-chain + unilateral working "
                                "sets this week may hold (a week back after a race).")
    lift_block: int | None = Field(None, description="Block whose lifts this week keeps (close "
                                   "to an A race: no new lifts); None = its own block.")
    banned_equipment: list[str] = Field(default_factory=list, description="Equipment no lift "
                                        "may use this week (a new heavy lift close to an A race).")

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def sessions_range(self) -> tuple[int, int]:
        """The phase's weekly minimum and maximum, the athlete's own sessions included."""
        return self.phase_sessions or (self.min_sessions, self.max_sessions)

    def days(self) -> list[dt.date]:
        """The days of this week that lie inside the season."""
        first, last = self.first or self.monday, self.last or self.sunday
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@cache
def requirement_options(requirement: str) -> tuple[frozenset[str], ...]:
    """ "a+b|c" -> ({a, b}, {c}): the pattern sets any one of which meets the requirement."""
    return tuple(frozenset(p.strip() for p in option.split("+"))
                 for option in requirement.split("|"))


@cache
def _meets(patterns: tuple[str, ...], requirement: str) -> bool:
    held = set(patterns)
    return any(option <= held for option in requirement_options(requirement))


class Exercise(BaseModel):
    """One exercise of the catalogue (models/exercises.toml)."""

    id: str
    name: str
    category: Category
    equipment: list[str] = Field(default_factory=lambda: ["bodyweight"])
    regression: str | None = Field(None, description="Id of an easier exercise.")
    per_side: bool = False
    dose: str | None = Field(None, description="Replaces the phase's reps, e.g. a hold in seconds.")
    cue: str = ""
    seed: str = ""
    patterns: list[str] = Field(default_factory=list,
                                description="Movement patterns (exercises.toml [patterns]).")
    compound: bool = Field(False, description="A loaded multi-joint leg lift (reps, rest).")
    effort: str | None = Field(None, description="Its own effort cue (a ballistic lift).")

    def has(self, requirement: str) -> bool:
        """True when this exercise meets one requirement: patterns joined by "+" must all be
        there; alternatives split by "|" need one of them (sessions.toml ``requires``)."""
        return _meets(tuple(self.patterns), requirement)


class Prescribed(BaseModel):
    """An exercise as prescribed in one session."""

    exercise: Exercise
    sets: int
    reps: str
    load: str = Field(description="Effort and the week's progression cue, as one text.")
    substitutes: str | None = Field(
        None, description="Name of the exercise this one replaces (equipment the athlete lacks).")
    effort: str = Field("", description="How hard (the effort part of ``load``).")
    progression: str = Field("", description="The week's step (the rest of ``load``).")
    rest: str = Field("", description="Rest between sets, as the athlete reads it.")
    contacts: int = Field(0, description="Ground contacts of a jump line (sets x reps x sides).")
    seconds: int = Field(0, description="Time the line takes, rests and set-up included.")
    test: bool = Field(False, description="An end-of-block re-test item (its load: how to test).")
    logged: str = Field("", description="A re-plan's cue from the done-log's last load of this "
                        "lift (\"last time 3 x 8 at 16 kg: try 17 kg\"); shown on its line.")

    @property
    def cue(self) -> str:
        return self.exercise.cue

    def line(self, *, with_load: bool = True) -> str:
        side = " per side" if self.exercise.per_side else ""
        load = f" - {self.load}" if with_load else ""
        instead = f" (instead of {self.substitutes})" if self.substitutes else ""
        return f"{self.exercise.name}{instead}: {self.sets} x {self.reps}{side}{load}"

    def dose_text(self) -> str:
        """ "3 x 8-10 per side, rest 60-90 s (36 contacts)" """
        side = " per side" if self.exercise.per_side else ""
        text = f"{self.sets} x {self.reps}{side}"
        if self.sets > 1 and self.rest:
            text += f", rest {self.rest}"
        if self.contacts:
            text += f" ({self.contacts} contacts)"
        return text


class Drill(BaseModel):
    """A warm-up or cool-down item: a drill and its dose."""

    exercise: Exercise
    dose: str
    seconds: int = 0

    def line(self) -> str:
        side = " per side" if self.exercise.per_side else ""
        return f"{self.exercise.name}: {self.dose}{side}"


class PlannedSession(BaseModel):
    """A strength session placed in the calendar."""

    athlete: str
    start: dt.datetime
    end: dt.datetime
    kind: str = Field(description="Session kind id (models/sessions.toml).")
    title: str
    leg_load: LegLoad
    phase: Phase
    week: int
    deload: bool = False
    volume: dict[Category, int] = Field(default_factory=dict)
    exercises: list[Prescribed] = Field(default_factory=list)
    reason: str = Field("", description="Why the session sits on this day and time.")
    retest: bool = Field(False, description="End-of-block re-test session (seed 002).")
    emphasis: str = Field("", description="The week's training emphasis.")
    block: int = Field(1, description="Training block of the session's week.")
    block_week: int = Field(1, description="Week within that block.")
    warmup: list[Drill] = Field(default_factory=list, description="Warm-up drills.")
    cooldown: list[Drill] = Field(default_factory=list, description="Cool-down drills.")
    week_load: str = Field("", description="The week's load cue, stated once for the session.")
    structure: str = Field("", description="Warm-up and cool-down template used "
                           "(models/prescription.toml [structure.NAME]).")
    add_on: bool = Field(False, description="A short block beside the strength sessions "
                         "(core and mobility): not counted in the weekly minimum or maximum.")
    location: str = Field("", description="Where it takes place: a shared gym or a group "
                          "session (the event's LOCATION); empty for the athlete's own place.")
    group: str = Field("", description="The coach-led group session it is (its name), if any.")

    @property
    def day(self) -> dt.date:
        return self.start.date()

    @property
    def warmup_minutes(self) -> int:
        return -(-sum(d.seconds for d in self.warmup) // 60)

    @property
    def cooldown_minutes(self) -> int:
        return -(-sum(d.seconds for d in self.cooldown) // 60)

    @property
    def contacts(self) -> int:
        return sum(p.contacts for p in self.exercises)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class Shortfall(BaseModel):
    """A week that got fewer sessions than its minimum."""

    week: int
    monday: dt.date
    needed: int
    placed: int
    reasons: list[str] = Field(default_factory=list, description="What blocked each day.")
    fixes: list[str] = Field(default_factory=list,
                             description="What would let more sessions in, most helpful first.")

    def message(self) -> str:
        head = (
            f"week {self.week} ({self.monday:%d %b %Y}): {self.placed} of {self.needed} "
            "sessions placed"
        )
        text = head + ("; " + "; ".join(self.reasons) if self.reasons else "")
        if self.fixes:
            text += "; fixes: " + "; ".join(self.fixes)
        return text


class Conflict(BaseModel):
    """Why a week's minimum cannot be met: the rules that contradict each other there."""

    week: int
    monday: dt.date
    needed: int
    rules: list[str] = Field(description="Rule ids whose conflict rules the minimum out.")
    check: str = Field(description="data (pre-check), assumptions (solver core) or season.")
    details: list[str] = Field(default_factory=list, description="What each rule blocks.")

    def message(self) -> str:
        head = (f"week {self.week} ({self.monday:%d %b %Y}) cannot hold {self.needed} "
                f"session{'s' if self.needed != 1 else ''}: {' + '.join(self.rules)}")
        return head + ("; " + "; ".join(self.details) if self.details else "")


class Penalty(BaseModel):
    """A soft rule the plan paid for."""

    rule: str
    week: int
    cost: int
    detail: str = ""
    amount: int = Field(1, description="How much was paid, in the rule's own unit (sets, "
                        "sessions, days): cost = weight x amount.")


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"


class Plan(BaseModel):
    """The result of planning one athlete's season."""

    athlete: Athlete
    weeks: list[Week]
    sessions: list[PlannedSession] = Field(default_factory=list)
    shortfalls: list[Shortfall] = Field(default_factory=list)
    penalties: list[Penalty] = Field(default_factory=list)
    runs: list[RunWorkout] = Field(default_factory=list)
    busy: list[BusyBlock] = Field(default_factory=list)
    own: list[OwnSession] = Field(default_factory=list, description="The athlete's own "
                                  "strength sessions, counted in their weeks.")
    warnings: list[str] = Field(default_factory=list)
    key_runs: list[RunKind] = Field(
        default_factory=list, description="Run kinds the plan treated as key runs.")
    goal: str = Field("", description="With no A race, the race the season builds toward.")
    inputs: dict[str, str] = Field(
        default_factory=dict, exclude=True, description="The input files as named on the "
        "command line -> their role (schedule, profile): the report names roles, so the same "
        "files by another path or stdin give the same bytes.")
    conflicts: list[Conflict] = Field(
        default_factory=list, description="Diagnoses of weeks whose minimum cannot be met.")
    status: SolveStatus = SolveStatus.UNKNOWN
    objective: float = 0.0
    bound: float = 0.0
    wall_seconds: float = Field(0.0, exclude=True)
    stamp: dt.datetime = Field(description="DTSTAMP written on every event (UTC).")
    today: dt.date | None = Field(None, description="A re-plan's first day: the sessions "
                                  "before it were kept as they were.")
    uids: list[str] = Field(default_factory=list, description="A re-plan: each session's UID "
                            "(as ``sessions``), matched to the previous calendar's slots.")

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective == 0:
            return 0.0
        return abs(self.objective - self.bound) / abs(self.objective)

    def changes_from(self, old: Plan | Any, *, skipped: set[dt.date] = frozenset(),
                     today: dt.date | None = None) -> list:
        """What changed from ``old`` (an earlier Plan, or a previous calendar read by
        ``replan.read_previous``): a ``changes.Change`` per session moved, dropped or
        added, with why; ``skipped`` days of the done-log, ``today`` the re-plan's first
        day (default: this plan's)."""
        from runstrength.changes import changes

        return changes(old, self, skipped=skipped, today=today or self.today)

    def penalty_breakdown(self) -> list[dict[str, Any]]:
        """The soft rules the plan paid for: one row per rule and week, costliest rule first.

        Each row: ``rule``, ``week``, ``monday`` (ISO date), ``times`` (penalty terms paid),
        ``cost`` (in objective units, the weights of models/rules.toml) and ``detail`` (the
        distinct details of the terms, joined by "; ").
        """
        monday = {w.index: w.monday for w in self.weeks}
        rows: dict[tuple[str, int], dict[str, Any]] = {}
        for p in self.penalties:
            row = rows.setdefault((p.rule, p.week), {
                "rule": p.rule, "week": p.week,
                "monday": monday[p.week].isoformat() if p.week in monday else "",
                "times": 0, "cost": 0, "detail": ""})
            row["times"] += 1
            row["cost"] += p.cost
            if p.detail and p.detail not in row["detail"].split("; "):
                row["detail"] = "; ".join(filter(None, (row["detail"], p.detail)))
        by_rule: dict[str, int] = {}
        for (rule, _), row in rows.items():
            by_rule[rule] = by_rule.get(rule, 0) + row["cost"]
        return sorted(rows.values(), key=lambda r: (-by_rule[r["rule"]], r["rule"], r["week"]))

    # The writers live in runstrength.exporters, a layer above this one: they register
    # themselves in WRITERS (runstrength/exporters/__init__.py), so this module imports none.
    def to_ics(self, *, include_runs: bool = False, remind_minutes: int | None = None) -> bytes:
        return WRITERS["ics"](self, include_runs=include_runs, remind_minutes=remind_minutes)

    def to_json(self) -> bytes:
        return WRITERS["json"](self)

    def to_frame(self, what: str = "sessions"):  # -> pandas.DataFrame (pandas imported lazily)
        """The plan as a DataFrame: ``sessions`` (one row per session, the CSV's columns),
        ``weeks`` (one row per week: phase, emphasis, sets placed against targets, shortfall,
        penalty; the rows the HTML report draws) or ``penalties`` (``penalty_breakdown``)."""
        if what not in ("sessions", "weeks", "penalties"):
            raise ValueError(f"to_frame: {what!r} is not one of 'sessions', 'weeks', "
                             "'penalties'")
        return WRITERS[f"frame:{what}"](self)

    def to_html(self) -> bytes:
        """The season report: one self-contained HTML page (see ``--report``)."""
        return WRITERS["html"](self)

    def to_csv(self) -> bytes:
        return WRITERS["csv"](self)
