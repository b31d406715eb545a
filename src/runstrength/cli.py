"""Command line: a thin layer over ``runstrength.plan``.

Exit codes: 0 plan written; 1 bad input (one line naming the file and field, nothing
written) or no solution in the time limit; 2 usage error; 3 ``--strict`` and a weekly minimum
was not met or the plan is not proven best; 130 Ctrl-C; 143 SIGTERM.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from runstrength import __version__
from runstrength.errors import InputError, StrictError
from runstrength.text import one_line

EXIT_INPUT = 1
EXIT_STRICT = 3


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None
    return day


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and value != value:  # nan passes FloatRange's comparisons
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


def _races(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list:
    from pydantic import ValidationError

    from runstrength.domain import Race

    races = []
    for text in values:
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise click.BadParameter(f"{text!r}: write DATE:DISTANCE[:PRIORITY], "
                                     "e.g. 2027-04-25:marathon:A")
        fields = dict(zip(("date", "distance", "priority"), parts, strict=False))
        try:
            races.append(Race.model_validate(fields))
        except ValidationError as exc:
            err = exc.errors()[0]
            msg = err["msg"].removeprefix("Value error, ")
            raise click.BadParameter(f"{text!r}: {err['loc'][0]}: {msg}") from None
    return races


_ONE_AT_A_TIME = "plan one athlete at a time: one RUNS file and one --athlete profile a run"


def _one_runs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> str:
    if len(values) > 1:
        profiles = [v for v in values if v != "-" and _sniff(v) == "profile"]
        if profiles and len(values) - len(profiles) == 1:
            raise click.UsageError(f"{profiles[0]} looks like an athlete profile: give it "
                                   f"with --athlete {profiles[0]}")
        raise click.UsageError(f"{len(values)} running schedules given ({', '.join(values)}); "
                               f"{_ONE_AT_A_TIME}")
    return values[0]


def _one_athlete(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> str:
    if len(values) > 1:
        raise click.UsageError(f"--athlete given {len(values)} times ({', '.join(values)}); "
                               f"{_ONE_AT_A_TIME}")
    return values[0]


def _sniff(path: str) -> str | None:
    """ "calendar", "profile" or None: what a file's first bytes look like."""
    try:
        if not Path(path).is_file():  # a FIFO would block here; its reader refuses it
            return None
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return None
    if head.startswith(b"begin:vcalendar"):
        return "calendar"
    first = head.split(b"\n", 1)[0]
    if b"," in first and any(w in first for w in (b"date", b"workoutday", b"title")):
        return "calendar"
    if any(head.startswith(k) or b"\n" + k in head
           for k in (b"[availability]", b"timezone =", b"level =", b"session_minutes =")):
        return "profile"
    return None


def _check_roles(runs: str, athlete_path: str) -> None:
    """A profile given as RUNS or a calendar given as --athlete: say which is which."""
    if runs != "-" and _sniff(runs) == "profile":
        raise InputError(f"{runs}: this looks like an athlete profile, given as RUNS; the "
                         "running schedule (.ics or .csv) comes first and the profile after "
                         "--athlete")
    if _sniff(athlete_path) == "calendar":
        raise InputError(f"{athlete_path}: this looks like a running schedule, given as "
                         "--athlete; the profile (.toml) goes after --athlete and the schedule "
                         "first, as RUNS")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="runstrength")
def main() -> None:
    """Place strength sessions around the running you already do."""


def _season_options(season: str, solve: str) -> list:
    """--from, --to, --models and --time-limit, as every planning command has them
    (``season``: "the season" or "every season"; ``solve``: what the time limit bounds)."""
    return [
        click.option("--from", "start", callback=_date,
                     help=f"First day of {season} (YYYY-MM-DD)."),
        click.option("--to", "end", callback=_date, help=f"Last day of {season} (YYYY-MM-DD)."),
        click.option("--models", "models_dir", type=click.Path(),
                     help="Directory of coaching models to use instead of the bundled ones."),
        click.option("--time-limit", type=click.FloatRange(min=0.1, max=86400),
                     callback=_finite, help=f"Seconds for {solve} (default 20)."),
    ]


def _jobs_option(what: str):
    return click.option("--jobs", "-j", type=click.IntRange(min=1, max=512),
                        help=f"{what} planned at once (default: the machine's cores).")


def _with(options: list):
    """A decorator adding ``options`` in the order listed."""
    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def _inputs(command):
    """The options every command that reads a schedule and a profile shares."""
    # Paths are not checked by click: a directory or a missing file is bad input (exit 1, one
    # line naming it, from our readers and fileio), not a usage error (exit 2).
    options = [
        click.argument("runs", nargs=-1, required=True, callback=_one_runs, metavar="RUNS",
                       type=click.Path(allow_dash=True)),
        click.option("--athlete", "-a", "athlete_path", required=True, multiple=True,
                     callback=_one_athlete, type=click.Path(), help="Athlete profile (TOML)."),
        click.option("--race", "races", multiple=True, callback=_races,
                     help="Add a race to the profile's: DATE:DISTANCE[:PRIORITY] (repeatable)."),
        click.option("--replace-races", is_flag=True,
                     help="Use only the --race races, not the profile's."),
        click.option("--busy", "busy_paths", multiple=True, type=click.Path(),
                     help="Another calendar whose events are busy time (repeatable)."),
        click.option("--format", "fmt", type=click.Choice(["ics", "csv"]),
                     help="Format of RUNS when it is read from standard input (-)."),
        *_season_options("the season", "the solve and the diagnosis of short weeks together"),
    ]
    return _with(options)(command)


def _guarded(work, *, writes: bool = True) -> None:
    """Run ``work``; bad input is one line and exit 1, never a traceback; Ctrl-C and SIGTERM
    are one line and exit 130 / 143 (the outputs are all the earlier files or all new)."""
    from runstrength import stopping

    stopping.install()

    def interrupted(signum: int) -> None:
        sys.exit(stopping.report(signum))

    try:
        code = work()
    except BrokenPipeError:  # `runstrength plan ... | head -1`: the reader has gone
        from runstrength.fileio import WRITTEN

        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more to print
        sys.exit(0 if WRITTEN or not writes else EXIT_INPUT)
    except KeyboardInterrupt as exc:
        interrupted(getattr(exc, "signum", signal.SIGINT))
    except StrictError as exc:
        click.echo(f"runstrength: --strict: {one_line(str(exc))}", err=True)
        sys.exit(EXIT_STRICT)
    except InputError as exc:
        click.echo(f"runstrength: error: {one_line(str(exc))}", err=True)
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        if stopping.received() is not None:  # an import the signal cut short
            interrupted(stopping.received())
        if os.environ.get("RUNSTRENGTH_DEBUG"):
            raise
        click.echo(f"runstrength: internal error: {type(exc).__name__}: {exc} "
                   "(set RUNSTRENGTH_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_INPUT)
    sys.exit(code)


@main.command("plan")
@_inputs
@click.option("--output", "-o", "output", required=True, type=click.Path(),
              help="Strength calendar to write (.ics).")
@click.option("--csv", "csv_path", type=click.Path(),
              help="Also write the sessions as a CSV table.")
@click.option("--report", "report_path", type=click.Path(),
              help="Also write the season as one self-contained HTML page.")
@click.option("--include-runs", is_flag=True, help="Write the imported runs into the .ics too.")
@click.option("--remind", type=click.IntRange(0, 10080), metavar="MINUTES",
              help="Add a reminder this many minutes before each session.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("--strict", is_flag=True,
              help="Exit 3 and write nothing if a weekly minimum is missed; name the "
                   "conflicting rules.")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also print the soft rules' costs (objective units) week by week.")
@click.option("--previous", "previous_path", type=click.Path(), metavar="OLD.ics",
              help="Re-plan: the calendar runstrength wrote before; its events are updated.")
@click.option("--today", callback=_date, metavar="DATE",
              help="Re-plan from this day; the sessions before it stay as they were "
                   "(default: the day after the --done log's last day).")
@click.option("--done", "done_path", type=click.Path(), metavar="LOG.csv",
              help="What was done: date,exercise,sets,reps,load (see log-template).")
@click.option("--changes", "changes_path", type=click.Path(), metavar="CHANGES.csv",
              help="With --previous: also write the changes as CSV.")
@click.option("--feed", is_flag=True,
              help="Write a calendar feed to subscribe to (no cancelled events).")
def plan_command(runs, athlete_path, races, replace_races, start, end, busy_paths, fmt,
                 models_dir, time_limit, output, csv_path, report_path, include_runs, remind,
                 force, strict, quiet, verbose, previous_path, today, done_path, changes_path,
                 feed) -> None:
    """Plan strength sessions around the running schedule RUNS (.ics or .csv; - for stdin)."""
    replan = Replan(previous_path, today, done_path, changes_path, feed)
    _guarded(lambda: _plan(runs, athlete_path, output, csv_path, report_path, races, start,
                           end, busy_paths, fmt, include_runs, remind, models_dir, force, strict,
                           time_limit, quiet, verbose, replace_races=replace_races,
                           replan=replan))


@dataclass(frozen=True)
class Replan:
    """The re-plan options of ``plan``."""

    previous: str | None = None
    today: dt.date | None = None
    done: str | None = None
    changes: str | None = None
    feed: bool = False


@main.command("explain")
@_inputs
@click.option("--week", "weeks", multiple=True, type=click.IntRange(min=1),
              help="Only this season week (repeatable).")
@click.option("--date", "dates", multiple=True, callback=lambda c, p, v: [_date(c, p, d)
                                                                        for d in v],
              help="Only the week holding this date, YYYY-MM-DD (repeatable).")
def explain_command(runs, athlete_path, races, replace_races, start, end, busy_paths, fmt,
                    models_dir, time_limit, weeks, dates) -> None:
    """Explain a plan for RUNS: why each session sits where it does, why a week came up short
    and what would fix it, which rules conflict, and what the plan paid for. Writes nothing."""

    def work() -> int:
        from runstrength.summary import print_explanation

        _check_args(runs, start, end, fmt)
        result = _solve(runs, athlete_path, races, start, end, busy_paths, fmt, models_dir,
                        time_limit, diagnose=True, replace_races=replace_races)
        first, last = result.weeks[0], result.weeks[-1]
        span = f"weeks 1-{last.index}, {first.first or first.monday} to {last.last or last.sunday}"
        for n in weeks:
            if n > last.index:
                raise InputError(f"--week {n}: the season has {span}")
        for d in dates:
            if not any((w.first or w.monday) <= d <= (w.last or w.sunday) for w in result.weeks):
                raise InputError(f"--date {d}: outside the season ({span})")
        print_explanation(result, weeks=set(weeks), dates=set(dates))
        return 0

    _guarded(work, writes=False)


def _check_args(runs, start, end, fmt) -> None:
    # Checks that need no file come first, and stdin is read only once they pass.
    from runstrength.domain import plausible_date

    for option, day in (("--from", start), ("--to", end)):
        try:
            if day is not None:
                plausible_date(day)
        except ValueError as exc:
            raise InputError(f"{option} {day}: {str(exc).removeprefix(f'{day} is ')}") from None
    if start and end and end < start:
        raise InputError(f"--to {end} is before --from {start}")
    if runs == "-" and not fmt:
        raise InputError("-: reading standard input needs --format ics or --format csv")


def _solve(runs, athlete_path, races, start, end, busy_paths, fmt, models_dir, time_limit, *,
           diagnose: bool, replace_races: bool = False, previous=(), done=None, today=None):
    """Read the inputs and plan; warnings go to stderr."""
    from runstrength import knowledge
    from runstrength.api import plan
    from runstrength.task import read_inputs

    _check_roles(runs, athlete_path)
    data = sys.stdin.buffer.read() if runs == "-" else None
    read = _read_ahead(runs, athlete_path, models_dir, races=races, start=start, end=end,
                       busy_paths=busy_paths, fmt=fmt, runs_data=data,
                       replace_races=replace_races)
    k = knowledge.load(Path(models_dir) if models_dir else None)
    if read is not None:
        athlete, schedule, busy = read
    else:
        athlete, schedule, busy = read_inputs(runs, athlete_path, k, races=races, start=start,
                                              end=end, busy=tuple((p, None) for p in busy_paths),
                                              fmt=fmt, runs_data=data,
                                              replace_races=replace_races)
    result = plan(schedule, athlete, start=start, end=end, busy=busy, races=races,
                  models=models_dir, time_limit=time_limit, diagnose=diagnose,
                  calendar_races=not replace_races, previous=previous, done=done, today=today)
    for warning in result.warnings:
        click.echo(f"runstrength: warning: {one_line(warning)}", err=True)
    _check_solved(result, time_limit)
    return result


def _read_ahead(runs, athlete_path, models_dir, **options):
    """The inputs (``task.read_inputs``) from a child process that reads them while this one
    loads the solver (``runstrength.prefetch``), and the session contents of the season built
    into the models' memo by both; None: read them here."""
    from runstrength import knowledge, prefetch
    from runstrength.task import read_ahead, warm_contents

    if athlete_path == "-" or "-" in options.get("busy_paths", ()):
        return None  # stdin can be read once: the child must not take it from a fallback
    pending = None
    try:
        pending = prefetch.start(read_ahead, runs, athlete_path, models_dir, **options)
        if pending is None:
            return None
        import runstrength.planner  # noqa: F401  the solver's imports, meanwhile
        inputs = pending.receive()
        if inputs is None:
            return None
        k = knowledge.load(Path(models_dir) if models_dir else None)
        warm_contents(inputs, k, models_dir, 1, **{key: options[key] for key in (
            "races", "start", "end", "replace_races")})
        # the child's first: a shape in both halves is kept as built for its first week, as
        # reading here would keep it
        k.memo.update(pending.receive() or {})
        return inputs
    finally:
        if pending is not None:
            pending.cancel()


def _check_solved(result, time_limit) -> None:
    """No solution is never a plan (exit 1); a plan not proven best says its gap."""
    from runstrength.task import no_plan_error

    status = result.status.value
    if status not in ("OPTIMAL", "FEASIBLE"):
        raise InputError(no_plan_error(status, time_limit))
    if status == "FEASIBLE":
        click.echo(f"runstrength: warning: the solver stopped at the time limit before proving "
                   f"this plan the best (gap {result.gap:.1%}); a longer --time-limit may find "
                   "a better one", err=True)


def _plan(runs, athlete_path, output, csv_path, report_path, races, start, end, busy_paths, fmt,
          include_runs, remind, models_dir, force, strict, time_limit, quiet,
          verbose=False, *, replace_races: bool = False, replan: Replan = Replan()) -> int:
    from runstrength.exporters.ics import plan_to_ics
    from runstrength.fileio import check_targets, write_outputs

    _check_args(runs, start, end, fmt)
    for given, option in ((replan.changes, "--changes"), (replan.done, "--done"),
                          (replan.today, "--today")):
        if given and not replan.previous:
            raise InputError(f"{option}: a re-plan option; give the calendar written before "
                             "with --previous")
    for option, name in (("-o", output), ("--csv", csv_path), ("--report", report_path),
                         ("--changes", replan.changes)):
        if name is None:
            continue
        if name is not None and (not name.strip() or name.endswith(("/", os.sep))):
            raise InputError(f"{option} {name!r}: not a file name" + (
                " (it names a folder)" if name.strip() else ""))
    targets = {Path(output): "ics"}
    for extra, kind in ((csv_path, "csv"), (report_path, "html"), (replan.changes, "csv")):
        if extra:
            if Path(extra) in targets:
                raise InputError(f"{extra}: the .ics, --csv, --report and --changes outputs "
                                 "must be different files")
            targets[Path(extra)] = kind
    check_targets(list(targets), force=force)
    # the previous calendar may be the output: a re-plan updates it in place (with --force)
    _check_not_an_input(list(targets), [runs, athlete_path, *busy_paths,
                                        *([replan.done] if replan.done else [])], models_dir)
    _check_not_an_input([p for p in targets if p != Path(output)],
                        [replan.previous] if replan.previous else [], models_dir)
    previous = _read_previous(replan.previous, athlete_path) if replan.previous else ()
    log = None
    if replan.done:
        from runstrength.donelog import read_log

        log = read_log(replan.done)
    result = _solve(runs, athlete_path, races, start, end, busy_paths, fmt, models_dir,
                    time_limit, diagnose=strict, replace_races=replace_races,
                    previous=previous, done=log, today=replan.today)
    close = [w for w in result.warnings if w.startswith("A races ")]
    if strict and close:
        click.echo(f"runstrength: --strict: {one_line(close[0])}; nothing written", err=True)
        return EXIT_STRICT
    from runstrength.summary import grouped_conflicts, grouped_shortfalls

    if strict and result.status.value != "OPTIMAL":
        click.echo(f"runstrength: --strict: the plan is not proven best (solver "
                   f"{result.status.value}, gap {result.gap:.1%}); nothing written; give a longer "
                   "--time-limit", err=True)
        return EXIT_STRICT
    for line in grouped_shortfalls(result):
        click.echo(f"runstrength: shortfall: {one_line(line)}", err=True)
    if strict and result.shortfalls:
        for line in grouped_conflicts(result):
            click.echo(f"runstrength: conflict: {one_line(line)}", err=True)
        click.echo(f"runstrength: --strict: {len(result.shortfalls)} week(s) below the minimum; "
                   "nothing written", err=True)
        return EXIT_STRICT
    today = result.today
    skipped = log.skipped_days() if log is not None else set()
    files = {Path(output): plan_to_ics(result, include_runs=include_runs, remind_minutes=remind,
                                       previous=previous or None, today=today,
                                       feed=replan.feed, skipped=skipped)}
    changed = []
    if previous:
        changed = result.changes_from(previous, skipped=skipped, today=today)
    if replan.changes:
        from runstrength.changes import changes_csv

        files[Path(replan.changes)] = changes_csv(changed)
    if csv_path:
        files[Path(csv_path)] = result.to_csv()
    if report_path:
        files[Path(report_path)] = result.to_html()
    write_outputs(files, force=force)
    if not quiet:
        from runstrength.summary import print_summary

        if previous:
            _print_changes(changed, previous)
        print_summary(result, [str(p) for p in files], verbose=verbose)
    return 0


def _read_previous(path: str, athlete_path: str):
    """The previous calendar, checked against the profile's athlete."""
    from runstrength.profile import load_athlete
    from runstrength.replan import read_previous

    athlete = load_athlete(athlete_path)
    zone = athlete.zone if athlete.timezone else dt.UTC
    return read_previous(path, athlete.id, zone)


def _print_changes(changed: list, previous) -> None:
    """The changes, in plain lines: what moved or went, and why."""
    if not changed:
        click.echo(f"No session changed from {previous.path}.")
        return
    from runstrength.changes import counted

    click.echo(f"Changes from {previous.path}: {counted(changed)}.")
    for change in changed:
        click.echo(f"  {change.line()}")


@main.command("log-template")
@click.argument("plan_path", metavar="PLAN.ics", type=click.Path())
@click.option("--output", "-o", "output", required=True, type=click.Path(),
              help="The done-log to write (.csv).")
@click.option("--to", "until", callback=_date, metavar="DATE",
              help="Only the sessions up to this day (default: all).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def log_template_command(plan_path, output, until, force) -> None:
    """Write a done-log to fill in: one row per exercise of each session of PLAN.ics."""
    _guarded(lambda: _log_template(plan_path, output, until, force))


def _log_template(plan_path: str, output: str, until, force: bool) -> int:
    from runstrength.donelog import template
    from runstrength.fileio import check_targets, write_outputs
    from runstrength.replan import log_rows

    check_targets([Path(output)], force=force)
    _check_not_an_input([Path(output)], [plan_path])
    from runstrength.fileio import read_input

    rows = log_rows(read_input(plan_path), plan_path, until)
    if not rows:
        raise InputError(f"{plan_path}: no session" + (f" up to {until}" if until else "")
                         + "; nothing to log")
    write_outputs({Path(output): template(rows).encode("utf-8")}, force=force)
    days = len({r[0] for r in rows})
    click.echo(f"Wrote {output}: {len(rows)} exercise rows of {days} sessions; fill in the load "
               "column (e.g. 16 kg), or write 'skipped' for a session not done.")
    return 0


@main.command("roster")
@click.argument("roster_path", metavar="ROSTER", type=click.Path())
@click.option("--output", "-o", "outdir", required=True, type=click.Path(),
              help="Folder for the calendars, summary.csv and roster.html.")
@click.option("--csv", "csv_out", is_flag=True, help="Also write each athlete's sessions as CSV.")
@click.option("--report", "report_out", is_flag=True,
              help="Also write each athlete's season report (HTML), linked from roster.html.")
@click.option("--include-runs", is_flag=True, help="Write the imported runs into the .ics too.")
@click.option("--remind", type=click.IntRange(0, 10080), metavar="MINUTES",
              help="Add a reminder this many minutes before each session.")
@_with(_season_options("every season", "each athlete's solve"))
@_jobs_option("Athletes")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="local processes, or a local Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="A Dask scheduler to send the work to, e.g. tcp://10.0.0.5:8786.")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@click.option("--resume", is_flag=True,
              help="Keep what an interrupted run in the folder finished; plan the rest.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first athlete that fails.")
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the last line.")
@click.option("--previous", "previous_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Re-plan: a folder of the calendars written before (<id>.ics, e.g. the "
                   "last run's -o folder); their events are updated.")
@click.option("--today", callback=_date, metavar="DATE",
              help="Re-plan from this day; the sessions before it stay as they were.")
@click.option("--done", "done_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="A folder of done-logs, <id>.csv each (see log-template).")
@click.option("--feed", is_flag=True,
              help="Write calendar feeds to subscribe to (no cancelled events).")
def roster_command(roster_path, outdir, csv_out, report_out, include_runs, remind, start, end,
                   models_dir, time_limit, jobs, executor, scheduler, force, resume, fail_fast,
                   quiet, previous_dir, today, done_dir, feed) -> None:
    """Plan every athlete of a ROSTER file (.toml or .csv) into one folder."""
    from runstrength.roster import Options

    options = Options(csv=csv_out, report=report_out, include_runs=include_runs, remind=remind,
                      start=start, end=end, time_limit=time_limit, models=models_dir,
                      previous=previous_dir, done=done_dir, today=today, feed=feed)
    _guarded(lambda: _roster(roster_path, Path(outdir), options, jobs, executor, scheduler,
                             force, resume, fail_fast, quiet))


def _roster(roster_path, outdir: Path, options, jobs, executor, scheduler, force, resume,
            fail_fast, quiet) -> int:
    from runstrength import executor as executors
    from runstrength.roster import check_outdir, load_roster, plan_roster
    from runstrength.summary import RosterProgress, shared_lines

    _check_args("roster", options.start, options.end, None)
    roster = load_roster(roster_path)
    if scheduler or executor == "dask":
        executors.require_dask()  # before the folder is made
    check_outdir(outdir, force=force, resume=resume, create=False)  # made once all is read
    if roster.path.resolve().parent == outdir.resolve():
        raise InputError(f"{outdir}: the roster's own folder; write the plans elsewhere")
    client = None
    if scheduler or executor == "dask":
        client = executors.dask_client(scheduler, jobs)
    progress = RosterProgress(len(roster.entries), quiet=quiet)
    try:
        with progress:
            result = plan_roster(roster, jobs=jobs, client=client, options=options,
                                 outdir=outdir, resume=resume, force=force,
                                 fail_fast=fail_fast,
                                 on_result=progress.update)
    except KeyboardInterrupt:
        click.echo(f"runstrength: roster: stopped with {progress.done} of {len(roster.entries)} "
                   f"athletes written to {outdir}; run again with --resume to plan the rest",
                   err=True)
        raise
    finally:
        if client is not None:
            executors.close_client(client)
    failed = result.failed
    planned = len(result) - len(failed)
    line = (f"runstrength: roster: {planned} athlete{'s' * (planned != 1)} planned"
            + (f", {len(failed)} failed ({_some([r.id for r in failed])})" if failed else "")
            + (f", {len(result.not_planned)} not planned (--fail-fast: "
               f"{_some(result.not_planned)})" if result.stopped else "")
            + f"; wrote {outdir}{os.sep}summary.csv and roster.html")
    if not quiet:
        for text in shared_lines(result):
            click.echo(f"runstrength: roster: {text}", err=True)
        if options.previous:
            changed = [f"{r.id}: {r.changes}" for r in result if r.changes]
            click.echo("runstrength: roster: changes from the previous calendars: "
                       + ("; ".join(changed) if changed else "none")
                       + (" (each athlete's <id>.changes.csv)" if changed else ""), err=True)
    click.echo(line, err=bool(failed))
    return EXIT_INPUT if failed else 0


@main.command("compare")
@click.argument("runs", metavar="RUNS", type=click.Path())
@click.option("--athlete", "-a", "athlete_path", required=True, type=click.Path(),
              help="Athlete profile (TOML).")
@click.option("--scenario", "scenario_texts", multiple=True, metavar="'NAME: CHANGES'",
              help="A scenario, e.g. \"late: move 'City Marathon' 2027-05-16\" (repeatable; "
                   "changes: move, add, drop, priority, a, follow).")
@click.option("--sweep", "sweeps", nargs=2, multiple=True, metavar="RACE FIRST..LAST",
              help="One scenario per week with RACE moved into FIRST..LAST.")
@click.option("--follow", is_flag=True, help="In a --sweep, the runs of the build follow the race.")
@click.option("--whatif", "whatif_path", type=click.Path(),
              help="Scenarios in TOML (default: whatif.toml beside the profile, if there).")
@click.option("--output", "-o", "outdir", required=True, type=click.Path(),
              help="Folder for one .ics per scenario, compare.csv and compare.html.")
@_with(_season_options("the season", "each scenario's solve"))
@_jobs_option("Scenarios")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@click.option("--strict", is_flag=True,
              help="Refuse A races too close together (exit 3, nothing written).")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
def compare_command(runs, athlete_path, scenario_texts, sweeps, follow, whatif_path, outdir,
                    start, end, models_dir, time_limit, jobs, force, strict, quiet) -> None:
    """Plan RUNS for one athlete under several race calendars and compare them side by side."""
    _guarded(lambda: _compare(runs, athlete_path, scenario_texts, sweeps, follow, whatif_path,
                              Path(outdir), start, end, models_dir, time_limit, jobs, force,
                              strict, quiet))


def _compare(runs, athlete_path, scenario_texts, sweeps, follow, whatif_path, outdir, start,
             end, models_dir, time_limit, jobs, force, strict, quiet) -> int:
    from runstrength.fileio import write_outputs
    from runstrength.roster import check_outdir
    from runstrength.whatif import compare, load_whatif, parse_scenario

    _check_args(runs, start, end, None)
    scenarios = []
    beside = Path(athlete_path).parent / "whatif.toml"
    if whatif_path or (beside.is_file() and not scenario_texts and not sweeps):
        scenarios += load_whatif(whatif_path or beside)
    scenarios += [parse_scenario(t) for t in scenario_texts]
    if not scenarios and not sweeps:
        raise InputError("nothing to compare: give --scenario, --sweep or --whatif (or put a "
                         "whatif.toml beside the profile)")
    check_outdir(outdir, force=force, resume=False, create=False, hint=False)
    result = compare(runs, athlete_path, scenarios, sweeps=sweeps, follow_sweep=follow,
                     jobs=jobs, models=models_dir, start=start, end=end, time_limit=time_limit,
                     strict=strict)
    files = {outdir / f"{s.name}.ics": r.files["ics"]
             for s, r in zip(result.scenarios, result.results, strict=True) if not r.failed}
    files[outdir / "compare.csv"] = result.to_csv()
    files[outdir / "compare.html"] = result.to_html()
    inputs = [runs, athlete_path, *([str(whatif_path or beside)] if scenarios else [])]
    _check_not_an_input(list(files), inputs, models_dir)
    check_outdir(outdir, force=force, resume=False, hint=False)  # made only now: all planned
    earlier = _compared(outdir / "compare.csv")
    write_outputs(files, force=True)
    for name in earlier:  # an earlier run's calendar that this one did not write
        stale = outdir / f"{name}.ics"
        if stale not in files and stale.is_file():
            stale.unlink()
    from runstrength.summary import print_comparison

    print_comparison(result, outdir, quiet=quiet)
    return EXIT_INPUT if any(r.failed for r in result.results) else 0


def _compared(table: Path) -> list[str]:
    """The scenarios an earlier ``compare.csv`` in the folder lists (their .ics are ours)."""
    import csv
    import re

    try:
        with table.open(encoding="utf-8", newline="") as fh:
            names = [row.get("scenario", "") for row in csv.DictReader(fh)]
    except (OSError, ValueError, csv.Error):
        return []
    return [n for n in names if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", n or "")]


def _some(names: list[str], most: int = 10) -> str:
    """``a, b, c`` or ``a, b, ... and 12 more``."""
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _check_not_an_input(targets: list[Path], inputs: list[str], models_dir=None) -> None:
    """Refuse an output that is one of the inputs or inside the models folder: --force must
    not eat the schedule or a model file."""
    from runstrength.fileio import real_target
    from runstrength.knowledge import default_models_dir

    models = Path(models_dir) if models_dir else default_models_dir()
    for target in targets:
        with contextlib.suppress(OSError, RuntimeError):  # a loop: check_targets says so
            if models.resolve() in real_target(target).resolve().parents:
                raise InputError(f"{target}: inside the models folder {models}; write the "
                                 "plan elsewhere")
    for target in targets:
        for given in inputs:
            if given == "-" or not target.exists():
                continue
            try:
                same = os.path.samefile(target, given)
            except OSError:  # the input is missing: its reader says so
                continue
            if same:
                raise InputError(f"{target}: is also an input ({given}); "
                                 "write the plan to another file")


if __name__ == "__main__":
    main()
