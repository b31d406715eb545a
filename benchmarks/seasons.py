"""Deterministic, realistic seasons for the benchmarks.

A recreational marathoner in London (Europe/London, so the seasons cross the clock changes):

- Mon rest ("Day Off"), Tue intervals or hills at 06:30 (alternating), Wed easy run at lunch,
  Thu tempo (all-day item, so it starts at the profile's ``run_time``), Fri rest, Sat easy
  (all-day), Sun long run at 08:00;
- the A marathon on the season's last Sunday (2027-04-25) and, when the season has 16 weeks or
  more, a B half marathon 8 weeks before it; every 4th week is an easier (cut-back) week, and the
  last three weeks taper;
- the athlete trains on weekday mornings 06:00-07:30, Mon/Wed/Thu evenings 18:00-20:30 and
  Saturday 08:00-12:00, with a 4-day work trip as a blackout in seasons of 16 weeks or more.

The same season is available as a list of :class:`RunWorkout` plus an :class:`Athlete` (for
the Python API) and as a TrainingPeaks-style ``runs.ics`` plus ``athlete.toml`` (for the CLI).
Nothing here reads the clock or a random generator: same ``weeks``, same season, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from runstrength.domain import Athlete, RunKind, RunWorkout

WEEKS = (4, 16, 24, 52)
ZONE_NAME = "Europe/London"
ZONE = ZoneInfo(ZONE_NAME)
A_RACE_DAY = dt.date(2027, 4, 25)  # a Sunday: every season ends on it
B_RACE_WEEKS_BEFORE = 8
RUN_TIME = dt.time(7, 0)  # profile run_time: the start of all-day items
STAMP = dt.datetime(2026, 4, 1, 5, 17, 33, tzinfo=dt.UTC)  # DTSTAMP of every feed item


@dataclass(frozen=True)
class Workout:
    """One item of the running calendar; ``at`` None means an all-day item."""

    day: dt.date
    title: str
    kind: RunKind | None  # None: not a run ("Day Off")
    minutes: int
    km: float
    notes: str
    at: dt.time | None = None

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.at or RUN_TIME, ZONE)

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)


@dataclass
class SeasonData:
    """A generated season: the calendar items, the runs and the athlete."""

    weeks: int
    start: dt.date
    end: dt.date
    workouts: list[Workout] = field(default_factory=list)
    athlete_toml: str = ""

    @property
    def runs(self) -> list[RunWorkout]:
        """The runs as the API takes them (all-day items at the profile's run_time)."""
        return [
            RunWorkout(start=w.start, end=w.end, kind=w.kind, title=w.title,
                       all_day=w.at is None, source=f"bench:{w.day}")
            for w in self.workouts if w.kind is not None
        ]

    @property
    def athlete(self) -> Athlete:
        from runstrength.profile import parse_athlete

        return parse_athlete(self.athlete_toml.encode(), "athlete.toml", default_id="sam")


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}:00"


def _week_items(monday: dt.date, weeks_out: int, index: int,
               b_race: dt.date | None) -> list[Workout]:
    """One week of running, ``weeks_out`` weeks before the A race week (0 = race week)."""
    cutback = index % 4 == 0 and weeks_out >= 3
    taper = {2: 0.75, 1: 0.6, 0: 0.4}.get(weeks_out, 1.0)
    scale = 0.8 if cutback else taper
    day = [monday + dt.timedelta(days=i) for i in range(7)]
    items = [Workout(day[0], "Day Off", None, 0, 0, "Rest day. Sleep, hydrate, short walk.")]

    if index % 2:
        reps = 5 + min(3, (index // 4) % 4)
        items.append(Workout(day[1], f"Run: Intervals {reps}x800m", RunKind.INTERVALS,
                             round(60 * max(scale, 0.75)), 10.0,
                             f"WU 15 min. {reps} x 800 m at 5K effort, 2 min jog. CD 10 min.",
                             dt.time(6, 30)))
    else:
        reps = 6 + min(4, (index // 4) % 5)
        items.append(Workout(day[1], f"Run: Hill Repeats {reps}x60s", RunKind.HILLS,
                             round(55 * max(scale, 0.75)), 9.0,
                             f"WU 15 min. {reps} x 60 s uphill hard, jog down. CD 10 min.",
                             dt.time(6, 30)))
    items.append(Workout(day[2], "Run: Easy Run", RunKind.EASY, round(50 * scale), 8.0,
                         "Easy aerobic running, conversational pace.", dt.time(12, 30)))
    if weeks_out == 0:
        items.append(Workout(day[3], "Run: Easy Run with strides", RunKind.EASY, 30, 5.0,
                             "Race week: 25 min easy + 4 x 20 s strides."))
    else:
        items.append(Workout(day[3], "Run: Tempo 3x10 min", RunKind.TEMPO,
                             round(55 * max(scale, 0.7)), 11.0,
                             "WU 15 min. 3 x 10 min at threshold, 2 min jog. CD 10 min."))
    items.append(Workout(day[4], "Day Off", None, 0, 0, "Rest or 20 min walk."))
    items.append(Workout(day[5], "Run: Easy Run", RunKind.EASY, round(45 * scale), 7.0,
                         "Easy running, relaxed."))

    if weeks_out == 0:
        items.append(Workout(day[6], "Run: RACE Riverside City Marathon", RunKind.RACE, 240, 42.2,
                             "A race. Start at goal pace, fuel every 30 min.", dt.time(9, 0)))
    elif b_race is not None and day[6] == b_race:
        items.append(Workout(day[6], "Run: RACE Spring Half Marathon", RunKind.RACE, 110, 21.1,
                             "B race: run it as a hard tune-up.", dt.time(9, 0)))
    else:
        # 90 min building to 180 min over the season, easier in cut-back and taper weeks
        base = min(180, 90 + 5 * index)
        km = round(base / 6.0, 1)
        items.append(Workout(day[6], f"Run: Long Run {km:g} km", RunKind.LONG,
                             round(base * scale), km,
                             "Long run at easy pace; practise fuelling.", dt.time(8, 0)))
    return items


_ATHLETE = """\
id = "sam"
name = "Sam Keller"
level = "recreational"
timezone = "{zone}"
session_minutes = 40
equipment = ["dumbbells", "bands", "kettlebell"]
run_time = "{run_time:%H:%M}"

[availability]
mon = ["06:00-07:30", "18:00-20:30"]
tue = ["06:00-07:30"]
wed = ["06:00-07:30", "18:00-20:30"]
thu = ["06:00-07:30", "18:00-20:30"]
fri = ["06:00-07:30"]
sat = ["08:00-12:00"]

[preferences]
days = ["mon", "wed", "sat"]
time = "18:30"
{races}{blackouts}"""


def season(weeks: int, race_day: dt.date = A_RACE_DAY) -> SeasonData:
    """The ``weeks``-week season ending with the A marathon on Sunday ``race_day``."""
    if weeks < 1:
        raise ValueError("a season has at least one week")
    if race_day.weekday() != 6:
        raise ValueError("the A race is on a Sunday")
    last_sunday = race_day
    first_monday = last_sunday - dt.timedelta(days=7 * weeks - 1)
    b_race = (race_day - dt.timedelta(weeks=B_RACE_WEEKS_BEFORE)) if weeks >= 16 else None
    items: list[Workout] = []
    for i in range(weeks):
        monday = first_monday + dt.timedelta(weeks=i)
        items.extend(_week_items(monday, weeks - 1 - i, i + 1, b_race))

    races = ""
    if b_race is not None:
        races += (f'\n[[races]]\ndate = "{b_race}"\ndistance = "half"\npriority = "B"\n'
                  'name = "Spring Half"\n')
    races += (f'\n[[races]]\ndate = "{race_day}"\ndistance = "marathon"\npriority = "A"\n'
              'name = "Riverside City Marathon"\n')
    blackouts = ""
    if weeks >= 16:
        trip = first_monday + dt.timedelta(weeks=weeks // 2)
        blackouts = (f'\n[[blackouts]]\nstart = "{trip}"\nend = "{trip + dt.timedelta(days=3)}"\n'
                     'reason = "Work trip"\n')
    toml = _ATHLETE.format(zone=ZONE_NAME, run_time=RUN_TIME, races=races, blackouts=blackouts)
    return SeasonData(weeks=weeks, start=first_monday, end=last_sunday, workouts=items,
                      athlete_toml=toml)


def to_ics(data: SeasonData) -> bytes:
    """The season as a TrainingPeaks-style feed: ``Run:`` titles, ``Workout type:`` lines."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//runstrength benchmarks//Training Feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Sam Keller - Training Calendar ({data.weeks} weeks)")
    for w in data.workouts:
        event = icalendar.Event()
        if w.at is None:
            event.add("dtstart", w.day)
            event.add("dtend", w.day + dt.timedelta(days=1))
        else:
            event.add("dtstart", w.start)
            event.add("dtend", w.end)
        event.add("dtstamp", STAMP)
        uid = hashlib.sha256(f"{w.day}|{w.title}".encode()).hexdigest()[:16]
        event.add("uid", f"{uid}@feed.bench.example")
        event.add("summary", w.title)
        if w.kind is None:
            event.add("description", f"Workout type: Day Off\n\n{w.notes}")
        else:
            event.add("description", f"Workout type: Run\nPlanned Time: {_clock(w.minutes)}\n"
                                     f"Planned Distance: {w.km:g} km\n\n{w.notes}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def write(data: SeasonData, directory: str | Path) -> tuple[Path, Path]:
    """Write ``runs.ics`` and ``athlete.toml`` into ``directory``; return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    runs, athlete = directory / "runs.ics", directory / "athlete.toml"
    runs.write_bytes(to_ics(data))
    athlete.write_text(data.athlete_toml, encoding="utf-8")
    return runs, athlete


if __name__ == "__main__":  # python benchmarks/seasons.py DIR [WEEKS]: write one season
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "season")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 52
    for path in write(season(n), out):
        print(path)


def byte_compile() -> None:
    """Compile runstrength's modules to bytecode before a CLI is timed, as an installed
    package has them: an editable install under ``PYTHONDONTWRITEBYTECODE`` would otherwise
    compile every module at every start (about 0.17 s of a run)."""
    import compileall

    import runstrength

    compileall.compile_dir(Path(runstrength.__file__).parent, quiet=1)


def cli_command() -> list[str]:
    """The ``runstrength`` command of this interpreter's environment."""
    import sys

    script = Path(sys.executable).parent / "runstrength"
    return [str(script)] if script.exists() else [sys.executable, "-m", "runstrength"]


def write_section(doc: Path, name: str, body: str) -> None:
    """Put ``body`` between ``<!-- name:begin -->`` and ``<!-- name:end -->`` in ``doc``
    (replacing what was there, else at the end); the other sections stay."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = doc.read_text(encoding="utf-8")
    section = f"{begin}\n{body}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")
