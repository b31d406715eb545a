"""One athlete-season as plain data: the unit that the CLI's ``plan``, a roster and (later) a
what-if sweep all run.

A :class:`SeasonTask` carries the bytes of its inputs, not their paths (a Dask worker need not
share the coach's disk), and the options; :func:`run_season` plans it and returns a
:class:`SeasonResult` of plain data: the files to write, the figures of the roster summary and
the week strip of the roster page. Bad input fails the task, not its caller: the result
carries the same one-line error the single plan prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runstrength.errors import InputError
from runstrength.text import one_line

if TYPE_CHECKING:
    from runstrength.domain import Athlete, BusyBlock, Plan, Race, Schedule
    from runstrength.knowledge import Knowledge

FAILED = "FAILED"


@dataclass(frozen=True)
class Source:
    """An input file's bytes and the name messages give it (relative to the roster)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class SeasonTask:
    """Everything one season needs, picklable: inputs as bytes, options as plain values."""

    id: str
    name: str
    runs: Source
    profile: Source
    busy: tuple[Source, ...] = ()
    races: tuple[Race, ...] = ()
    #: profile fields the roster sets (level, session_minutes, ...), validated as the profile's
    overrides: tuple[tuple[str, Any], ...] = ()
    #: where the overrides come from, for their error messages ("roster.toml: athlete 3 (ana)")
    label: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    #: the files of a models folder (name relative to it, bytes); empty: the bundled models
    models: tuple[Source, ...] = ()
    time_limit: float | None = None
    csv: bool = False
    report: bool = False
    include_runs: bool = False
    remind: int | None = None
    keep_plan: bool = False
    #: inputs already read (athlete, schedule, busy blocks): a what-if scenario's, from one
    #: parse of the calendar; the sources then only name the files
    prepared: tuple[Any, Any, tuple] | None = None
    #: a re-plan: the calendar written before, the done-log, the first day that may change,
    #: and whether the calendar is a subscription feed (``replan``)
    previous: Source | None = None
    done: Source | None = None
    today: dt.date | None = None
    feed: bool = False

    def digest(self) -> str:
        """A fingerprint of the inputs and options (``--resume`` re-plans when it changes)."""
        h = hashlib.sha256()

        def add(value: Any) -> None:
            h.update(json.dumps(value, default=str, sort_keys=True).encode())

        for src in (self.runs, self.profile, *self.busy, *self.models,
                    *(s for s in (self.previous, self.done) if s is not None)):
            add(Path(src.name).name)  # not the folder: a resume from elsewhere is the same
            h.update(hashlib.sha256(src.data).digest())
        if not self.models:  # the bundled or RUNSTRENGTH_MODELS models, as they are now
            add(_default_models_digest())
        add(os.environ.get("SOURCE_DATE_EPOCH", ""))
        add([self.id, self.name, [r.model_dump(mode="json") for r in self.races],
             [list(o) for o in self.overrides], self.start, self.end, self.time_limit,
             self.csv, self.report, self.include_runs, self.remind, self.today, self.feed])
        from runstrength import __version__

        add(__version__)
        return h.hexdigest()


@dataclass
class SeasonResult:
    """What one season gave: plain data, cheap to send back from a worker."""

    id: str
    name: str
    status: str  # OPTIMAL, FEASIBLE or FAILED
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sessions: int = 0
    weeks: int = 0
    weeks_short: int = 0
    #: output kind ("ics", "csv", "html") -> bytes (dropped once written)
    files: dict[str, bytes] = field(default_factory=dict)
    #: the kinds of output made, kept when the files are dropped
    outputs: list[str] = field(default_factory=list)
    #: one dict per week: index, monday (ISO), phase, placed, needed, most
    strip: list[dict] = field(default_factory=list)
    #: the worker's peak resident memory in MB when the season was done
    memory_mb: float = 0.0
    plan: Plan | None = None
    #: kept from an earlier run (--resume), not planned again
    resumed: bool = False
    #: a re-plan: what changed from the previous calendar, in a few words ("1 moved, 3
    #: dropped"; "" for nothing or no re-plan); the list is the <id>.changes.csv file
    changes: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def state(self) -> dict:
        """The result without its files and plan, as JSON-ready data (for ``--resume``)."""
        return {k: v for k, v in self.__dict__.items()
                if k not in ("files", "plan", "resumed")}


def read_inputs(runs: str, athlete_source: str, k: Knowledge, *, races=(), start=None,
                end=None, busy: tuple[tuple[str, bytes | None], ...] = (), fmt=None,
                runs_data: bytes | None = None, athlete_data: bytes | None = None,
                overrides: tuple[tuple[str, Any], ...] = (), label: str = "",
                replace_races: bool = False) -> tuple[Athlete, Schedule, list[BusyBlock]]:
    """Read a profile, a running schedule and busy calendars as ``plan`` does.

    Each input is a name and, optionally, its bytes (else the named file is read). The
    import sees ``races`` too (they bound the season), but the athlete returned lacks them:
    ``api.plan`` adds them, so a problem with one is blamed on where it came from."""
    from runstrength.domain import BusyBlock
    from runstrength.fileio import read_input
    from runstrength.importers import load_schedule
    from runstrength.profile import parse_athlete

    data = athlete_data if athlete_data is not None else read_input(athlete_source)
    athlete = parse_athlete(data, athlete_source, default_id=Path(athlete_source).stem,
                            overrides=dict(overrides), overrides_source=label)
    if replace_races:  # --replace-races: only the races given apart count
        athlete = athlete.model_copy(update={"races": []})
    with_races = athlete.model_copy(update={"races": sorted([*athlete.races, *races],
                                                            key=lambda r: r.date)})
    schedule = load_schedule(runs, with_races, k, start=start, end=end, fmt=fmt, data=runs_data)
    if athlete.timezone is None:  # taken from the calendar (and said so in a warning)
        athlete = athlete.model_copy(update={"timezone": schedule.timezone})
    blocks: list[BusyBlock] = []
    for name, raw in busy:
        other = load_schedule(name, athlete, k, start=start, end=end, data=raw)
        # Everything in a busy calendar is busy, runs included (a partner's club run, say).
        blocks.extend(other.busy)
        blocks.extend(BusyBlock(start=r.start, end=r.end, title=r.title, source=r.source)
                      for r in [*other.runs, *other.own])
    return athlete, schedule, blocks


def read_ahead(runs: str, athlete_source: str, models: str | None, *, races=(), start=None,
               end=None, busy_paths=(), fmt=None, runs_data: bytes | None = None,
               replace_races: bool = False):
    """:func:`read_inputs` as the CLI's ``plan`` calls it, then the session contents of the
    first half of its season (:func:`warm_contents`): two values, yielded as each is ready.

    The work of a prefetch child (``runstrength.prefetch``) while the CLI loads the solver."""
    from runstrength import knowledge

    k = knowledge.load(Path(models) if models else None)
    inputs = read_inputs(runs, athlete_source, k, races=races, start=start, end=end,
                         busy=tuple((p, None) for p in busy_paths), fmt=fmt,
                         runs_data=runs_data, replace_races=replace_races)
    yield inputs
    warm_contents(inputs, k, models, 0, races=races, start=start, end=end,
                  replace_races=replace_races)
    yield {key: value for key, value in k.memo.items()
           if isinstance(key, tuple) and key[:1] == ("content",)}


def warm_contents(inputs, k: Knowledge, models: str | None, half: int, *, races=(),
                  start=None, end=None, replace_races: bool = False) -> None:
    """Build into the models' memo the session contents that the candidates of the season of
    ``inputs`` (from :func:`read_inputs`) will ask for, in the first (``half`` 0) or second
    (1) half of its weeks: each kind the week uses and its length. A season that cannot be
    prepared is left alone: planning it says why."""
    from runstrength import api

    athlete, schedule, blocks = inputs
    try:
        prep = api.prepare(schedule, athlete, start=start, end=end, busy=blocks, races=races,
                           models=models, offer_calendar=not replace_races)
    except InputError:
        return
    middle = (len(prep.weeks) + 1) // 2
    for week in prep.weeks[:middle] if half == 0 else prep.weeks[middle:]:
        for kind in k.sessions.values():
            if prep.season.offers(kind, week):
                prep.season.slot_minutes(kind, week)


def no_plan_error(status: str, time_limit: float | None) -> str:
    """The message for a solve that found no plan (the CLI exits 1 with it)."""
    seconds = f"{time_limit:g} s" if time_limit else "the default time limit"
    return (f"the solver found no plan within {seconds} (status {status}); nothing written; "
            "try a longer --time-limit, e.g. --time-limit 120")


def model_sources(folder: Path) -> tuple[Source, ...]:
    """The .toml files of a models folder as Sources (names relative to it), in order."""
    return tuple(Source(str(f.relative_to(folder)), f.read_bytes())
                 for f in sorted(folder.rglob("*.toml")))


def _default_models_digest() -> str:
    from runstrength.knowledge import default_models_dir

    folder = default_models_dir()
    h = hashlib.sha256()
    for file in sorted(folder.rglob("*.toml")):
        h.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


_MODELS: dict[str, Path] = {}  # models digest -> the folder this process wrote them to


def _models_dir(models: tuple[Source, ...]) -> Path | None:
    """A folder holding ``models``, None for the bundled ones. It is named by the models'
    digest in the temporary folder and shared by every process and run that has the same
    models (written once, whole, by a rename), so nothing piles up."""
    if not models:
        return None
    key = hashlib.sha256(b"".join(s.name.encode() + b"\0" + s.data for s in models)).hexdigest()
    if key not in _MODELS:
        root = Path(tempfile.gettempdir()) / f"runstrength-models-{key[:24]}"
        if not (root / ".complete").is_file():
            import shutil

            work = Path(tempfile.mkdtemp(prefix=".runstrength-models-"))
            for src in models:
                (work / src.name).parent.mkdir(parents=True, exist_ok=True)
                (work / src.name).write_bytes(src.data)
            (work / ".complete").write_text(key)
            try:
                work.rename(root)
            except OSError:  # another process was first: use its copy
                shutil.rmtree(work, ignore_errors=True)
        if not _holds(root, models):  # not ours, or not these models: a private copy
            root = Path(tempfile.mkdtemp(prefix="runstrength-models-"))
            for src in models:
                (root / src.name).parent.mkdir(parents=True, exist_ok=True)
                (root / src.name).write_bytes(src.data)
        _MODELS[key] = root
    return _MODELS[key]


def _holds(root: Path, models: tuple[Source, ...]) -> bool:
    """``root`` is this user's and holds exactly ``models``."""
    try:
        if hasattr(os, "getuid") and root.stat().st_uid != os.getuid():
            return False
        return all((root / s.name).read_bytes() == s.data for s in models)
    except OSError:
        return False


def _strip(plan: Plan) -> list[dict]:
    """Per week: index, monday (ISO), phase, strength sessions placed (own ones included),
    the week's minimum and maximum, its working sets per balanced category, its races and
    how many runs the schedule holds that week."""
    from runstrength.domain import BALANCED

    placed: dict[int, int] = {}
    sets: dict[int, dict[str, int]] = {}
    for s in plan.sessions:
        if not s.add_on:
            placed[s.week] = placed.get(s.week, 0) + 1
        week = sets.setdefault(s.week, {})
        for c in BALANCED:
            week[str(c)] = week.get(str(c), 0) + s.volume.get(c, 0)
    week_of = {w.monday + dt.timedelta(days=i): w.index for w in plan.weeks for i in range(7)}
    runs: dict[int, int] = {}
    for r in plan.runs:
        if (index := week_of.get(r.day)) is not None:
            runs[index] = runs.get(index, 0) + 1
    out = []
    for w in plan.weeks:
        races = [f"{r.priority}: {r.label}" for r in plan.athlete.races
                 if w.monday <= r.date <= w.sunday]
        out.append({"index": w.index, "monday": w.monday.isoformat(), "phase": str(w.phase),
                    "placed": placed.get(w.index, 0) + w.own_sessions,
                    "needed": w.min_sessions, "most": w.max_sessions,
                    "sets": sets.get(w.index, {}), "races": races,
                    "runs": runs.get(w.index, 0)})
    return out


def _peak_mb() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _blame(message: str, task: SeasonTask) -> str:
    """A message about a profile field the roster set names the roster entry, not the profile
    (which holds no such mistake)."""
    head = f"{task.profile.name}: "
    if not task.label or not message.startswith(head):
        return message
    rest = message[len(head):]
    key = rest.removeprefix("field ").split(" ", 1)[0].split(".", 1)[0].rstrip(":")
    if key in {k for k, _ in task.overrides} - {"id", "name"}:
        return f"{task.label}: {rest}"
    return message


def prepare_task(task: SeasonTask, busy_more=()):
    """The task's inputs read and its season made ready (``api.prepare``), as ``plan`` does;
    ``busy_more``: busy time the roster adds (a shared gym's closed hours)."""
    from runstrength import api, knowledge

    models = _models_dir(task.models)
    k = knowledge.load(models)
    if task.prepared is not None:
        athlete, schedule, busy = task.prepared
        busy = list(busy)
    else:
        athlete, schedule, busy = read_inputs(
            task.runs.name, task.profile.name, k, races=task.races, start=task.start,
            end=task.end, busy=tuple((b.name, b.data) for b in task.busy),
            runs_data=task.runs.data, athlete_data=task.profile.data,
            overrides=task.overrides, label=task.label)
    previous, done = None, None
    if task.previous is not None:
        from runstrength.replan import read_previous

        zone = athlete.zone if athlete.timezone else dt.UTC
        previous = read_previous(task.previous.name, athlete.id, zone, data=task.previous.data)
    if task.done is not None:
        from runstrength.donelog import read_log

        done = read_log(task.done.name, task.done.data)
    with api.races_source(task.label):
        return api.prepare(schedule, athlete, start=task.start, end=task.end,
                           busy=[*busy, *busy_more], races=task.races, models=models,
                           previous=previous or (), done=done, today=task.today)


def season_result(task: SeasonTask, result: Plan, t0: float, prep=None) -> SeasonResult:
    """The result of a finished plan: its files, its figures, its warnings (``prep``, the
    ``api.Prepared`` it came from: a re-plan's previous calendar and done-log, read once)."""
    status = result.status.value
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise InputError(no_plan_error(status, task.time_limit))
    from runstrength.exporters.ics import plan_to_ics

    previous = prep.previous if prep is not None else None
    log = prep.log if prep is not None else None
    skipped = log.skipped_days() if log is not None else set()
    change_words = ""
    files = {"ics": plan_to_ics(result, include_runs=task.include_runs,
                                remind_minutes=task.remind, previous=previous,
                                today=result.today, feed=task.feed, skipped=skipped)}
    if previous is not None:
        from runstrength.changes import changes_csv, counted

        changed = result.changes_from(previous, skipped=skipped, today=result.today)
        files["changes.csv"] = changes_csv(changed)
        change_words = counted(changed)
    if task.csv:
        files["csv"] = result.to_csv()
    if task.report:
        files["html"] = result.to_html()
    warnings = [_blame(one_line(w), task) for w in result.warnings]
    if status == "FEASIBLE":
        warnings.append(f"not proven the best plan (gap {result.gap:.1%}); a longer "
                        "--time-limit may find a better one")
    return SeasonResult(
        id=task.id, name=task.name or result.athlete.name, status=status,
        warnings=warnings, seconds=time.perf_counter() - t0,
        sessions=sum(1 for s in result.sessions if not s.add_on),
        weeks=len(result.weeks), weeks_short=len(result.shortfalls), files=files,
        outputs=sorted(files),
        strip=_strip(result), memory_mb=_peak_mb(),
        plan=result if task.keep_plan else None, changes=change_words)


def failure(task: SeasonTask, exc: Exception, t0: float) -> SeasonResult:
    """The FAILED result of ``task`` for an error raised while planning it (bad input gives
    its one-line message; a bug is an internal error, re-raised with RUNSTRENGTH_DEBUG)."""
    if isinstance(exc, InputError):
        error = _blame(one_line(str(exc)), task)
    elif isinstance(exc, RecursionError):
        error = "internal error: RecursionError (set RUNSTRENGTH_DEBUG=1 for details)"
    else:  # a bug, not bad input: this athlete fails, the others go on
        if os.environ.get("RUNSTRENGTH_DEBUG"):
            raise exc
        error = f"internal error: {type(exc).__name__}: {one_line(str(exc))}"
    return SeasonResult(id=task.id, name=task.name, status=FAILED, error=error,
                        seconds=time.perf_counter() - t0, memory_mb=_peak_mb())


def run_season(task: SeasonTask) -> SeasonResult:
    """Plan one season; any bad input becomes a FAILED result with its one-line message.

    Ctrl-C (KeyboardInterrupt) is not caught: it stops the caller's whole run."""
    from runstrength import api
    from runstrength.planner import plan_season

    t0 = time.perf_counter()
    try:
        with api.races_source(task.label):
            prep = prepare_task(task)
            result = plan_season(prep.athlete, prep.weeks, prep.season, prep.knowledge,
                                 stamp=prep.stamp, time_limit=task.time_limit)
            return season_result(task, api.finish(prep, result), t0, prep)
    except Exception as exc:
        return failure(task, exc, t0)
