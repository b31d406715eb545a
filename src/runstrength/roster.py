"""A coach's roster: read it (TOML or CSV), keep its files inside its folder, plan every
athlete over the executor, and write one calendar per athlete, ``summary.csv`` and
``roster.html``.

Each athlete is one ``task.SeasonTask``: the same unit ``runstrength plan`` runs, so a roster
plans each athlete exactly as the single command would. One athlete's bad input fails that
athlete only.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrength.errors import InputError
from runstrength.joint import JointResult, JointTask, run_joint
from runstrength.resources import Access, Shared, parse_groups, parse_gyms
from runstrength.task import FAILED, SeasonResult, SeasonTask, Source, model_sources, run_season
from runstrength.text import one_line, toml_message

SUMMARY_COLUMNS = ("athlete", "sessions", "weeks", "weeks_short", "status", "seconds",
                   "warnings", "error")
CSV_COLUMNS = ("id", "name", "profile", "runs", "busy")
OCCUPANCY_COLUMNS = ("place", "type", "date", "start", "athletes", "room", "who")
ENTRY_KEYS = {"id", "name", "profile", "runs", "busy", "races", "gym", "groups", "tags"}
DEFAULT_KEYS = {"models", "start", "end", "time_limit", "gym"}
#: output names of the roster itself: no athlete may take them
RESERVED = {"summary", "roster", "occupancy", "group-sessions"}
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
STATE = ".runstrength"  # OUTDIR/.runstrength/<id>.json: what --resume may keep
ROSTER_CAP = 10000


@dataclass
class Entry:
    """One athlete of the roster, as written (paths relative to the roster's folder)."""

    where: str  # "roster.toml: athlete 3" / "roster.csv: line 4", for messages
    id: str
    name: str
    profile: str
    runs: str
    busy: list[str] = field(default_factory=list)
    races: list[Any] = field(default_factory=list)
    overrides: dict[str, Any] = field(default_factory=dict)
    gym: str | None = None  # the shared gym they train at ("" none; None: the default)
    groups: list[str] | None = None  # the groups they may join (None: every one open to them)
    tags: list[str] = field(default_factory=list)


@dataclass
class Roster:
    path: Path
    entries: list[Entry]
    models: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    time_limit: float | None = None
    shared: Shared = field(default_factory=Shared)
    gym: str = ""  # [defaults] gym

    @property
    def root(self) -> Path:
        return self.path.parent

    def access(self, entry: Entry) -> Access:
        """The gym ``entry`` trains at and the groups they may join."""
        gym = self.gym if entry.gym is None else entry.gym
        open_to = [g.name for g in self.shared.groups if g.admits(entry.id, tuple(entry.tags))]
        groups = open_to if entry.groups is None else [g for g in open_to if g in entry.groups]
        return Access(gym=gym, groups=tuple(groups))

    def check_shared(self) -> None:
        """Every gym and group an entry names exists and admits them."""
        gyms = {g.name for g in self.shared.gyms}
        if self.gym and self.gym not in gyms:
            raise InputError(f"{self.path}: defaults: gym: no [[gym]] is named {self.gym!r}")
        for entry in self.entries:
            if entry.gym and entry.gym not in gyms:
                raise InputError(f"{entry.where}: gym: no [[gym]] is named {entry.gym!r}"
                                 + (f" (known: {', '.join(sorted(gyms))})" if gyms else ""))
            for name in entry.groups or []:
                group = self.shared.group(name)
                if group is None:
                    raise InputError(f"{entry.where}: groups: no [[group]] is named {name!r}")
                if not group.admits(entry.id, tuple(entry.tags)):
                    raise InputError(f"{entry.where}: groups: {name!r} is not open to "
                                     f"{entry.id} (see its who)")


def load_roster(path: str | Path) -> Roster:
    """Read a roster file (``.toml`` or ``.csv``); any mistake in it is one InputError."""
    from runstrength.fileio import read_input

    path = Path(path)
    data = read_input(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text; save the roster as UTF-8") \
            from None
    if path.suffix.lower() == ".csv":
        roster = Roster(path, _csv_entries(text, path))
    elif path.suffix.lower() == ".toml":
        roster = _toml_roster(text, path)
    else:
        raise InputError(f"{path}: a roster is a .toml or a .csv file")
    if not roster.entries:
        raise InputError(f"{path}: no athletes (add [[athlete]] tables or CSV rows)")
    _assign_ids(roster)
    roster.check_shared()
    return roster


def _toml_roster(text: str, path: Path) -> Roster:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: {toml_message(exc)}") from None
    except (RecursionError, ValueError) as exc:
        raise InputError(f"{path}: {one_line(str(exc))[:120]}") from None
    unknown = sorted(set(raw) - {"athlete", "defaults", "gym", "group"})
    if unknown:
        raise InputError(f"{path}: unknown table or key {unknown[0]!r}; a roster has "
                         "[defaults], [[athlete]], [[gym]] and [[group]] tables")
    defaults = raw.get("defaults", {})
    if not isinstance(defaults, dict):
        raise InputError(f"{path}: defaults: must be a table ([defaults])")
    bad = sorted(set(defaults) - DEFAULT_KEYS)
    if bad:
        raise InputError(f"{path}: defaults: unknown key {bad[0]!r} (known: "
                         f"{', '.join(sorted(DEFAULT_KEYS))})")
    from runstrength import knowledge

    roster = Roster(path, [], models=_text(defaults, "models", f"{path}: defaults"),
                    start=_day(defaults, "start", path), end=_day(defaults, "end", path),
                    gym=_text(defaults, "gym", f"{path}: defaults") or "")
    if "group" in raw:  # the kinds a group may hold: the models' (the roster's own or ours)
        folder = contained(path.parent, roster.models, f"{path}: defaults: models") \
            if roster.models else None
        kinds = set(knowledge.load(folder).sessions)
    else:
        kinds = set()
    roster.shared = Shared(gyms=parse_gyms(raw.get("gym"), str(path)),
                           groups=parse_groups(raw.get("group"), str(path), kinds))
    if "time_limit" in defaults:
        limit = defaults["time_limit"]
        if isinstance(limit, bool) or not isinstance(limit, int | float) or not (
                0.1 <= limit <= 86400):
            raise InputError(f"{path}: defaults: time_limit: seconds from 0.1 to 86400")
        roster.time_limit = float(limit)
    if roster.start and roster.end and roster.end < roster.start:
        raise InputError(f"{path}: defaults: end {roster.end} is before start {roster.start}")
    athletes = raw.get("athlete", [])
    if not isinstance(athletes, list) or not all(isinstance(a, dict) for a in athletes):
        raise InputError(f"{path}: athlete: write one [[athlete]] table per athlete")
    if len(athletes) > ROSTER_CAP:
        raise InputError(f"{path}: {len(athletes)} athletes; at most {ROSTER_CAP} a roster")
    for n, table in enumerate(athletes, 1):
        where = f"{path}: athlete {n}"
        if isinstance(table.get("id"), str) and table["id"].strip():
            where += f" ({one_line(table['id'])[:40]})"
        busy = table.get("busy", [])
        if isinstance(busy, str):
            busy = [busy]
        if not isinstance(busy, list) or not all(isinstance(b, str) for b in busy):
            raise InputError(f"{where}: busy: a path or a list of paths")
        races = table.get("races", [])
        if not isinstance(races, list):
            raise InputError(f"{where}: races: a list of tables, e.g. races = [{{date = "
                             '2027-04-25, distance = "half", priority = "B"}]')
        roster.entries.append(Entry(
            where=where, id=_text(table, "id", where) or "", name=_text(table, "name", where)
            or "", profile=_needed(table, "profile", where), runs=_needed(table, "runs", where),
            busy=busy, races=races,
            overrides={k: v for k, v in table.items() if k not in ENTRY_KEYS},
            gym=_text(table, "gym", where), groups=_names(table, "groups", where),
            tags=_names(table, "tags", where) or []))
    return roster


def _names(table: dict, key: str, where: str) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f'{where}: {key}: a list of names, e.g. {key} = ["one", "two"]')
    return value


def _text(table: dict, key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{where}: {key}: must be text (in quotes)")
    return value


def _needed(table: dict, key: str, where: str) -> str:
    value = _text(table, key, where)
    if not value or not value.strip():
        raise InputError(f"{where}: {key}: missing; name the athlete's {key} file")
    return value


def _day(table: dict, key: str, path: Path) -> dt.date | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InputError(f"{path}: defaults: {key}: a date, e.g. {key} = 2027-01-04")
    return value


def _csv_entries(text: str, path: Path) -> list[Entry]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: not a CSV table ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in ("id", "name", "profile", "runs") if c not in header]
    extra = [c for c in header if c not in CSV_COLUMNS]
    if missing or extra or len(set(header)) != len(header):
        raise InputError(f"{path}: line 1: the columns must be id,name,profile,runs[,busy] "
                         f"(got {','.join(header)})")
    if len(rows) - 1 > ROSTER_CAP:
        raise InputError(f"{path}: {len(rows) - 1} athletes; at most {ROSTER_CAP} a roster")
    entries = []
    lines = _row_lines(text)
    for n, row in enumerate(rows[1:], 1):
        line = lines[n] if n < len(lines) else n + 1
        where = f"{path}: line {line}"
        if len(row) != len(header):
            raise InputError(f"{where}: {len(row)} cells, the header has {len(header)}")
        cells = dict(zip(header, (c.strip() for c in row), strict=True))
        if cells["id"]:
            where += f" ({one_line(cells['id'])[:40]})"
        for key in ("profile", "runs"):
            if not cells[key]:
                raise InputError(f"{where}: {key}: missing; name the athlete's {key} file")
        entries.append(Entry(where=where, id=cells["id"], name=cells["name"],
                             profile=cells["profile"], runs=cells["runs"],
                             busy=[cells["busy"]] if cells.get("busy") else []))
    return entries


def _row_lines(text: str) -> list[int]:
    """The 1-based line on which each non-blank CSV record starts."""
    out, line = [], 1
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        if any(c.strip() for c in row):
            out.append(start)
        line = reader.line_num + 1
        start = line
    return out


def _assign_ids(roster: Roster) -> None:
    """Each entry's id (given, else the profile's ``id``, else folder + stem), checked as a
    file name and for duplicates (case-blind: two calendars must not share a name)."""
    seen: dict[str, Entry] = {}
    for entry in roster.entries:
        if not entry.id:
            entry.id = _default_id(roster.root, entry.profile)
        if not ID.fullmatch(entry.id):
            raise InputError(f"{entry.where}: id {entry.id!r}: letters, digits, '.', '_' and "
                             "'-' only, at most 64 (it names the athlete's files)")
        if entry.id.lower() in RESERVED:
            raise InputError(f"{entry.where}: id {entry.id!r} is the name of a roster output; "
                             "choose another")
        other = seen.get(entry.id.lower())
        if other is not None:
            raise InputError(f"{entry.where}: id {entry.id!r} is also the id of {other.where}; "
                             "give each athlete its own id")
        seen[entry.id.lower()] = entry


def _default_id(root: Path, profile: str) -> str:
    try:
        path = contained(root, profile, "")
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        given = raw.get("id")
        if isinstance(given, str) and ID.fullmatch(given) and given.lower() not in RESERVED:
            return given
    except (InputError, OSError, ValueError, UnicodeDecodeError):
        pass  # the athlete's own run will say what is wrong with the profile
    rel = Path(profile)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", rel.stem).strip("-.") or "athlete"
    folder = re.sub(r"[^A-Za-z0-9._-]+", "-", rel.parent.name).strip("-.")
    return f"{folder}-{stem}"[:64] if folder else stem[:64]


def contained(root: Path, given: str, where: str) -> Path:
    """``given`` (relative to ``root``) as a path that stays inside ``root``: no absolute
    path, no ``..`` that climbs out, no symlink that leads out."""
    label = f"{where}: " if where else ""
    if "\0" in given or not given.strip() or given.strip() == "-":
        raise InputError(f"{label}{given!r}: not a file name (a roster reads no standard "
                         "input)")
    rel = Path(given)
    if rel.is_absolute() or given.startswith(("~", "\\")) or re.match(r"[A-Za-z]:", given):
        raise InputError(f"{label}{given}: an absolute path; name the file relative to the "
                         f"roster's folder ({root})")
    base = root.resolve()
    lexical = Path(*[p for p in rel.parts if p not in ("", ".")]) if rel.parts else rel
    depth = 0
    for part in lexical.parts:
        depth += -1 if part == ".." else 1
        if depth < 0:
            raise InputError(f"{label}{given}: climbs out of the roster's folder ({root}) "
                             "with '..'; keep the athlete's files inside it")
    target = (root / rel).resolve()
    if target != base and base not in target.parents:
        raise InputError(f"{label}{given}: a symbolic link that leads out of the roster's "
                         f"folder ({root}) to {target}; keep the athlete's files inside it")
    return root / rel


@dataclass
class Options:
    """What the CLI (or a notebook) asks of every athlete's plan."""

    csv: bool = False
    report: bool = False
    include_runs: bool = False
    remind: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    time_limit: float | None = None
    models: str | None = None  # a folder, relative to the working directory (CLI --models)
    keep_plans: bool = False
    #: a re-plan: a folder of the calendars written before (``<id>.ics``; an athlete without
    #: one is planned afresh), a folder of done-logs (``<id>.csv``), the first day that may
    #: change, subscription feeds
    previous: str | None = None
    done: str | None = None
    today: dt.date | None = None
    feed: bool = False


def _group_calendar(folder: str | None) -> bytes | None:
    """The coach's group calendar in a re-plan's --previous folder, if there."""
    found = _own_file(folder, "group-sessions", ".ics")
    return None if found is None else found.data


def _own_file(folder: str | None, athlete: str, suffix: str) -> Source | None:
    """``folder/<athlete><suffix>`` (a re-plan's previous calendar or done-log), if there."""
    if folder is None:
        return None
    path = Path(folder) / f"{athlete}{suffix}"
    try:
        return Source(str(path), path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None


def _read(root: Path, given: str, where: str, role: str) -> Source:
    from runstrength.fileio import read_input

    path = contained(root, given, f"{where}: {role}")
    return Source(name=str(path), data=read_input(path))


def _models(roster: Roster, options: Options) -> tuple[Source, ...]:
    """The files of the models folder (``--models``, else the roster's ``[defaults]``),
    checked once here: a broken models folder fails the roster, not every athlete."""
    from runstrength import knowledge

    if options.models:
        folder = Path(options.models)
    elif roster.models:
        folder = contained(roster.root, roster.models, f"{roster.path}: defaults: models")
    else:
        return ()
    files = sorted(folder.rglob("*.toml"))
    if roster.models and not options.models:  # nothing outside the folder is read
        for file in files:
            contained(roster.root, str(Path(roster.models) / file.relative_to(folder)),
                      f"{roster.path}: models")
    knowledge.load(folder)  # raises InputError naming the folder
    return model_sources(folder)


def tasks_for(roster: Roster, options: Options) -> tuple[list[SeasonTask | None],
                                                          dict[int, SeasonResult]]:
    """One task per athlete; an athlete whose files cannot be read (outside the folder,
    missing) gets a FAILED result instead."""
    from pydantic import ValidationError

    from runstrength.domain import Race

    models = _models(roster, options)
    tasks: list[SeasonTask | None] = []
    failed: dict[int, SeasonResult] = {}
    for i, entry in enumerate(roster.entries):
        try:
            races = []
            for n, race in enumerate(entry.races, 1):
                try:
                    races.append(Race.model_validate(race))
                except ValidationError as exc:
                    err = exc.errors()[0]
                    loc = ".".join(str(p) for p in err["loc"])
                    msg = err["msg"].removeprefix("Value error, ")
                    raise InputError(f"{entry.where}: races[{n}]: {loc}: {msg}") from None
            tasks.append(SeasonTask(
                id=entry.id, name=entry.name,
                runs=_read(roster.root, entry.runs, entry.where, "runs"),
                profile=_read(roster.root, entry.profile, entry.where, "profile"),
                busy=tuple(_read(roster.root, b, entry.where, "busy") for b in entry.busy),
                races=tuple(races),
                overrides=tuple(sorted({**entry.overrides, "id": entry.id,
                                        **({"name": entry.name} if entry.name else {})
                                        }.items())),
                label=entry.where, start=options.start or roster.start,
                end=options.end or roster.end, models=models,
                time_limit=options.time_limit or roster.time_limit, csv=options.csv,
                report=options.report, include_runs=options.include_runs,
                remind=options.remind, keep_plan=options.keep_plans,
                previous=_own_file(options.previous, entry.id, ".ics"),
                done=_own_file(options.done, entry.id, ".csv"), today=options.today,
                feed=options.feed))
        except InputError as exc:
            tasks.append(None)
            failed[i] = SeasonResult(id=entry.id, name=entry.name, status=FAILED,
                                     error=one_line(str(exc)))
    return tasks, failed


@dataclass
class RosterResult:
    """Every athlete's result in roster order (iterate it); ``to_frame()`` is the summary."""

    roster: Roster
    results: list[SeasonResult | None]
    stopped: bool = False  # --fail-fast stopped before every athlete was planned
    #: the joint plans of athletes who share a gym or a group, with what the places held
    joint: list[JointResult] = field(default_factory=list)
    #: a re-plan: the coach's previous group calendar (bytes), and whether the calendars
    #: are feeds
    previous_groups: bytes | None = None
    feed: bool = False

    def __iter__(self) -> Iterator[SeasonResult]:
        return iter([r for r in self.results if r is not None])

    def __len__(self) -> int:
        return sum(1 for r in self.results if r is not None)

    @property
    def not_planned(self) -> list[str]:
        """The ids a --fail-fast stop left out."""
        return [e.id for e, r in zip(self.roster.entries, self.results, strict=True)
                if r is None]

    @property
    def failed(self) -> list[SeasonResult]:
        return [r for r in self if r.failed]

    def rows(self) -> list[dict[str, Any]]:
        return [{"athlete": r.id, "sessions": r.sessions, "weeks": r.weeks,
                 "weeks_short": r.weeks_short, "status": r.status,
                 "seconds": round(r.seconds, 3), "warnings": len(r.warnings),
                 "error": r.error} for r in self]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=list(SUMMARY_COLUMNS))

    def summary_csv(self) -> bytes:
        from runstrength.exporters.table import safe_cell

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SUMMARY_COLUMNS)
        for row in self.rows():
            writer.writerow([safe_cell(row[c]) for c in SUMMARY_COLUMNS])
        return out.getvalue().encode("utf-8")

    def occupancy_csv(self) -> bytes:
        """Every start in a shared gym and every group session held: how full it was."""
        from runstrength.exporters.table import safe_cell

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OCCUPANCY_COLUMNS)
        for j in self.joint:
            for s in j.slots:
                writer.writerow([safe_cell(v) for v in (s["gym"], "gym", s["date"], s["start"],
                                                        s["athletes"], s["room"], s["who"])])
            for g in j.groups:
                writer.writerow([safe_cell(v) for v in (g["group"], "group", g["date"],
                                                        g["start"][11:16], g["attendees"],
                                                        g["max_size"], g["who"])])
        return out.getvalue().encode("utf-8")

    def group_ics(self) -> bytes:
        """The coach's calendar: each group session held, with who attends."""
        from runstrength.exporters.ics import groups_to_ics

        rows = sorted((g for j in self.joint for g in j.groups),
                      key=lambda g: (g["start"], g["group"]))
        held = [j for j in self.joint if j.groups] or self.joint
        zone = next((j.timezone for j in held if j.timezone), "UTC")
        stamp = max((j.stamp for j in held if j.stamp), default="2000-01-01T00:00:00+00:00")
        previous = None
        if self.previous_groups is not None:
            from runstrength.replan import read_calendar

            previous = read_calendar("group-sessions.ics (--previous)", self.previous_groups)
        # no "past as it was" here: who came (a skipped session) is what changes the past
        return groups_to_ics(rows, zone, dt.datetime.fromisoformat(stamp), previous=previous,
                             feed=self.feed)

    def to_html(self) -> bytes:
        from runstrength.exporters.roster_page import roster_to_html

        return roster_to_html(self)

    def write(self, outdir: str | Path, *, force: bool = False) -> list[Path]:
        """Write every athlete's files (kept in memory), summary.csv and roster.html."""
        outdir = Path(outdir)
        check_outdir(outdir, force=force, resume=False)
        _check_no_input_replaced(self.roster, outdir, Options(
            csv=any("csv" in r.outputs for r in self), report=any("html" in r.outputs
                                                                  for r in self)))
        for result in self:
            _write_athlete(outdir, result)
        return write_roster_files(outdir, self)


def _check_no_input_replaced(roster: Roster, outdir: Path, options: Options) -> None:
    """No file the run may write (an athlete's calendar, CSV or report, the summary, the
    page, the state) is one of the roster's inputs: ``--force`` must not eat a calendar."""
    inputs: dict[Path, str] = {roster.path.resolve(): str(roster.path)}
    for entry in roster.entries:
        for given in (entry.profile, entry.runs, *entry.busy):
            try:
                inputs[(roster.root / given).resolve()] = f"{entry.where}: {given}"
            except (OSError, RuntimeError):
                continue
    kinds = ["ics", *(["csv"] if options.csv else []), *(["html"] if options.report else [])]
    names = ["summary.csv", "roster.html", "occupancy.csv", "group-sessions.ics",
             *(f"{e.id}.{k}" for e in roster.entries
                                              for k in kinds)]
    for name in names:
        target = (outdir / name).resolve()
        if target in inputs:
            raise InputError(f"{outdir / name}: is also an input ({inputs[target]}); write the "
                             "plans to another folder")


def check_outdir(outdir: Path, *, force: bool, resume: bool, create: bool = True,
                 hint: bool = True) -> None:
    """OUTDIR is a folder we may fill: new, empty, or given ``--force`` / ``--resume``
    (``hint``: the message names --resume); ``create`` makes it."""
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: not a folder; give -o a folder for the roster's files")
    if outdir.is_dir() and any(outdir.iterdir()) and not force:
        if not resume:
            raise InputError(f"{outdir}: not empty; give --force to overwrite the files in it"
                             + (", or --resume to finish an interrupted run" if hint else ""))
        if not (outdir / STATE).is_dir():
            raise InputError(f"{outdir}: holds no earlier roster run to resume (no {STATE} "
                             "folder); give --force to overwrite the files in it")
    if not create:
        return
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{outdir}: cannot create the folder ({exc.strerror or exc})") \
            from None


def athlete_files(outdir: Path, result: SeasonResult) -> dict[Path, bytes]:
    return {outdir / f"{result.id}.{kind}": data for kind, data in result.files.items()}


def _write_athlete(outdir: Path, result: SeasonResult, digest: str = "") -> None:
    """The athlete's files, then its state (so --resume trusts only complete athletes)."""
    from runstrength.fileio import write_outputs

    files = athlete_files(outdir, result)
    state = {"digest": digest, "files": sorted(p.name for p in files), **result.state()}
    state_path = outdir / STATE / f"{result.id}.json"
    try:  # what an earlier run wrote for this athlete: files it no longer makes must go
        earlier = json.loads(state_path.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        earlier = []
    (outdir / STATE).mkdir(exist_ok=True)
    # compact: json's fast encoder (an indent takes its pure-Python one, about 4 ms an athlete
    # in the process that also feeds the workers)
    files[state_path] = json.dumps(state, separators=(",", ":")).encode()
    write_outputs(files, force=True)
    for name in earlier:
        stale = outdir / name
        if stale not in files and Path(name).stem == result.id and stale.is_file():
            stale.unlink()


def _resumed(outdir: Path, task: SeasonTask) -> SeasonResult | None:
    """The result an earlier run left for ``task``, if its inputs are unchanged and its files
    are all there."""
    path = outdir / STATE / f"{task.id}.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.pop("digest", None) != task.digest():
        return None
    names = state.pop("files", [])
    if not all((outdir / n).is_file() for n in names):
        return None
    try:
        return SeasonResult(**state)
    except TypeError:
        return None


def write_roster_files(outdir: Path, result: RosterResult) -> list[Path]:
    """roster.html, then summary.csv last: a summary means the run finished."""
    from runstrength.fileio import write_outputs

    page, summary = outdir / "roster.html", outdir / "summary.csv"
    shared = result.roster.shared
    extra = {}
    if shared.gyms or shared.groups:
        extra[outdir / "occupancy.csv"] = result.occupancy_csv()
    if shared.groups:
        extra[outdir / "group-sessions.ics"] = result.group_ics()
    write_outputs({**extra, page: result.to_html()}, force=True)
    write_outputs({summary: result.summary_csv()}, force=True)
    return [summary, page, *extra]


def _died(task: SeasonTask | JointTask) -> SeasonResult | JointResult:
    if isinstance(task, JointTask):
        return JointResult(results=[_died(t) for t in task.members])
    return SeasonResult(id=task.id, name=task.name, status=FAILED,
                        error="internal error: the worker process planning this athlete died "
                              "(killed, or a crash in the solver); the others went on")


def run_unit(unit: SeasonTask | JointTask) -> SeasonResult | JointResult:
    """What the executor runs: one athlete alone, or athletes who share a gym or a group."""
    return run_joint(unit) if isinstance(unit, JointTask) else run_season(unit)


def _units(tasks, todo: list[int], access: list[Access], roster: Roster):
    """The work of ``todo``: each athlete alone, and one joint task per set of athletes
    linked by a gym or a group (roster order); with the roster indices of each unit."""
    from runstrength.joint import components

    linked = [access[i] for i in todo]
    groups = [[todo[n] for n in comp] for comp in components(linked)]
    first = {g[0]: g for g in groups}
    inside = {i for g in groups for i in g}
    units, members = [], []
    for i in todo:
        if i in first:
            units.append(JointTask(tuple(tasks[n] for n in first[i]),
                                   tuple(access[n] for n in first[i]), roster.shared))
            members.append(first[i])
        elif i not in inside:
            units.append(tasks[i])
            members.append([i])
    return units, members


def plan_roster(roster: str | Path | Roster, *, jobs: int | None = None, client: Any = None,
                options: Options | None = None, outdir: str | Path | None = None,
                resume: bool = False, force: bool = False, fail_fast: bool = False,
                on_result: Callable[[SeasonResult, int, int], None] | None = None
                ) -> RosterResult:
    """Plan every athlete of ``roster``; ``jobs`` processes (default: the cores) or a
    ``distributed.Client``.

    With ``outdir`` each athlete's files are written as soon as they are planned (and then
    dropped from memory), summary.csv and roster.html at the end; ``resume`` keeps what an
    earlier run in ``outdir`` finished; a folder that is not empty needs ``force`` (or
    ``resume``). Without it the files stay in the results
    (``RosterResult.write``). ``on_result(result, done, total)`` follows the progress."""
    from runstrength import executor

    if not isinstance(roster, Roster):
        roster = load_roster(roster)
    options = options or Options(keep_plans=outdir is None)
    tasks, results_by = tasks_for(roster, options)
    out = Path(outdir) if outdir is not None else None
    if out is not None:
        check_outdir(out, force=force, resume=resume)
        _check_no_input_replaced(roster, out, options)
        if (out / STATE).is_dir() and (out / "summary.csv").is_file():
            (out / "summary.csv").unlink()  # ours: a summary must mean "this run finished"
    results: list[SeasonResult | None] = [None] * len(tasks)
    access = [roster.access(e) for e in roster.entries]
    todo: list[int] = []
    for i, task in enumerate(tasks):
        if i in results_by:
            results[i] = results_by[i]
        elif (resume and out is not None and not access[i].shares
              and (kept := _resumed(out, task)) is not None):
            kept.resumed = True  # athletes who share a gym or a group are planned again
            results[i] = kept
        else:
            todo.append(i)
    total, done = len(tasks), 0
    for i, result in enumerate(results):
        if result is not None:
            done += 1
            if out is not None and i in results_by:
                _write_athlete(out, result)
            if on_result:
                on_result(result, done, total)
    stopped = False
    if fail_fast and any(r is not None and r.failed for r in results):
        stopped = True
        todo = []
    units, members = _units(tasks, todo, access, roster)
    joints: list[tuple[int, JointResult]] = []  # (unit, result): units are in roster order
    runner = executor.run(run_unit, units, jobs=jobs, client=client, crashed=_died)
    try:
        for n, unit_result in runner:
            if isinstance(unit_result, JointResult):
                joints.append((n, unit_result))
                outs = unit_result.results
            else:
                outs = [unit_result]
            for i, result in zip(members[n], outs, strict=True):
                if out is not None:
                    _write_athlete(out, result, tasks[i].digest())
                    result.files = {}
                results[i] = result
                done += 1
                if on_result:
                    on_result(result, done, total)
                if fail_fast and result.failed:
                    stopped = True
            if stopped:
                break
    finally:
        runner.close()  # stops the workers when we leave early
    planned = RosterResult(roster, results, stopped=stopped,
                           joint=[j for _, j in sorted(joints, key=lambda p: p[0])],
                           previous_groups=_group_calendar(options.previous),
                           feed=options.feed)
    if out is not None:
        write_roster_files(out, planned)
    return planned
