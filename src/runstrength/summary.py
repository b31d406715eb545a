"""What the terminal shows: the summary after a plan is written, and ``runstrength explain``."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from runstrength.domain import Plan
from runstrength.text import one_line


def week_ranges(weeks: list[int]) -> str:
    """[1, 2, 3, 5, 8, 9] -> "1-3, 5, 8-9"."""
    out: list[str] = []
    for w in sorted(set(weeks)):
        if out and out[-1].split("-")[-1] == str(w - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{w}"
        else:
            out.append(str(w))
    return ", ".join(out)


def grouped_shortfalls(plan: Plan) -> list[str]:
    """The short weeks, one line per cause: weeks with the same reasons and fixes share a line
    ("weeks 5-9 (01 Feb 2027 on): 1 of 2 sessions placed; ...")."""
    groups: dict[tuple, list] = {}
    for sf in plan.shortfalls:
        key = (sf.needed, sf.placed, tuple(sf.reasons), tuple(sf.fixes))
        groups.setdefault(key, []).append(sf)
    out = []
    for (needed, placed, reasons, fixes), items in groups.items():
        if len(items) == 1:
            out.append(items[0].message())
            continue
        head = (f"weeks {week_ranges([sf.week for sf in items])} (from {items[0].monday:%d %b %Y}):"
                f" {placed} of {needed} sessions placed each")
        text = head + ("; " + "; ".join(reasons) if reasons else "")
        if fixes:
            text += "; fixes: " + "; ".join(fixes)
        out.append(text)
    return out


def grouped_conflicts(plan: Plan) -> list[str]:
    """The conflicts of ``--strict``, weeks with the same rules and details on one line."""
    groups: dict[tuple, list] = {}
    for c in plan.conflicts:
        groups.setdefault((c.needed, tuple(c.rules), tuple(c.details)), []).append(c)
    out = []
    for (needed, rule_ids, details), items in groups.items():
        if len(items) == 1:
            out.append(items[0].message())
            continue
        text = (f"weeks {week_ranges([c.week for c in items])} (from {items[0].monday:%d %b %Y}) "
                f"cannot hold {needed} session{'s' if needed != 1 else ''} each: "
                f"{' + '.join(rule_ids)}")
        out.append(text + ("; " + "; ".join(details) if details else ""))
    return out


def penalty_table(plan: Plan):
    """The soft rules the plan paid for, one row per rule with the weeks it was paid in."""
    from rich.table import Table

    from runstrength import rules

    by_rule: dict[str, list[dict]] = {}
    for row in plan.penalty_breakdown():
        by_rule.setdefault(row["rule"], []).append(row)
    table = Table(title="Soft rules paid (cost in objective units, weights in models/rules.toml)",
                  title_justify="left", box=None, pad_edge=False)
    for col in ("rule", "times", "cost", "weeks", "what"):
        table.add_column(col, overflow="fold")
    for rule_id, rows in by_rule.items():
        rule = rules.BY_ID.get(rule_id)
        table.add_row(rule_id, str(sum(r["times"] for r in rows)),
                      str(sum(r["cost"] for r in rows)),
                      week_ranges([r["week"] for r in rows]),
                      rule.name if rule else rows[0]["detail"])
    return table


def _console(**options):
    """A console that wraps at the terminal's width, and not at all into a pipe or a file; a
    closed pipe is a BrokenPipeError for the CLI to judge (rich would exit 1)."""
    import sys

    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1: the CLI decides (files written)
            raise BrokenPipeError

    if "soft_wrap" in options:
        return _Console(highlight=False, **options)
    return _Console(highlight=False, width=None if sys.stdout.isatty() else 240, **options)


def given_up(plan: Plan) -> list[str]:
    """What the plan gave up, in words and counts, one line per soft rule it paid."""
    from runstrength import rules

    lines: list[str] = []
    volume: dict[tuple[str, str], list[tuple[int, int]]] = {}
    counted: dict[str, list[int]] = {}
    for p in plan.penalties:
        if p.rule == "volume-balance":
            cat, _, side = p.detail.partition(" sets ")
            volume.setdefault((cat, side), []).append((p.week, p.amount))  # sets
        else:
            counted.setdefault(p.rule, []).append(p.week)
    for rule_id, weeks in counted.items():
        if rule_id == "phase-min":
            continue  # the short weeks are listed on their own
        rule = rules.BY_ID.get(rule_id)
        text = rule.said if rule is not None and rule.said else f"{{n}} x {rule_id} ({{weeks}})"
        where = f"week{'s' if len(set(weeks)) > 1 else ''} {week_ranges(weeks)}"
        lines.append(text.format(n=len(weeks), weeks=where))
    for (cat, side), rows in volume.items():
        sets = sorted(n for _, n in rows)
        by = f"{sets[0]}" if sets[0] == sets[-1] else f"{sets[0]}-{sets[-1]}"
        what = "below" if side.startswith("below") else "above"
        name = cat.replace("_", " ")
        lines.append(f"{len(rows)} week(s) {what} the {name} target by {by} sets "
                     f"(weeks {week_ranges([w for w, _ in rows])})")
    return lines


def print_summary(plan: Plan, written: list[str], *, verbose: bool = False) -> None:
    """The season a row a week, what the plan gave up in words, and what was written;
    ``verbose`` adds each week's soft-rule cost and the table of rules paid (objective units)."""
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    if plan.goal:
        console.print(escape(plan.goal))
    per_week = Counter(s.week for s in plan.sessions if not s.add_on)
    add_ons = Counter(s.week for s in plan.sessions if s.add_on)
    kinds: dict[int, list[str]] = {}
    for s in plan.sessions:
        if s.add_on:
            continue
        # First word of the kind's name keeps a season to one line a week; then its length.
        kinds.setdefault(s.week, []).append(
            (s.start, f"{s.start:%a} {s.title.split()[0].lower()} {s.minutes}'"))
    week_of = {d: w.index for w in plan.weeks for d in w.days()}
    own = Counter()
    for o in plan.own:  # the athlete's own sessions, in their words
        if o.day in week_of:
            own[week_of[o.day]] += o.counts
            kinds.setdefault(week_of[o.day], []).append(
                (o.start, f"{o.start:%a} own: {o.title}{'' if o.counts else ' (extra)'}"))
    short = {sf.week for sf in plan.shortfalls}
    # Names and paths are the user's text, not rich markup: "[/]" in a name must not raise.
    who = escape(plan.athlete.name or plan.athlete.id)
    table = Table(title=f"Strength plan for {who}",
                  title_justify="left", box=None, pad_edge=False, padding=(0, 1))
    paid = Counter()  # soft-rule cost per week; the table below splits it by rule
    for p in plan.penalties:
        paid[p.week] += p.cost
    columns = ("wk", "from", "phase", "n", "sessions", *(("paid",) if verbose else ()))
    for col in columns:
        # the phase column (race names) folds first: a week stays on one line if it can
        table.add_column(col, overflow="fold", max_width=20 if col == "phase" else None)
    for w in plan.weeks:
        phase = w.phase.value + (" (deload)" if w.deload else "")
        if w.race:
            phase += f" ({escape(w.race.label)})"
        low, high = w.sessions_range()  # the athlete's own sessions included
        count = f"{per_week.get(w.index, 0) + own.get(w.index, 0)}/{low}-{high}"
        style = "bold red" if w.index in short else None
        cell = ", ".join(text for _, text in sorted(kinds.get(w.index, []))) or "-"
        if add_ons.get(w.index):
            cell += f" +{add_ons[w.index]} core block (extra)"
        row = [str(w.index), f"{w.monday:%d %b %y}", phase, count, cell]
        if verbose:
            row.append(str(paid.get(w.index, 0)))
        table.add_row(*row, style=style)
    console.print(table)
    lost = given_up(plan)
    if lost:
        console.print("What the plan gave up:")
        for line in lost:
            console.print(f"  - {escape(line)}")
    if verbose and plan.penalties:
        console.print(penalty_table(plan))
    gap = "" if plan.status == "OPTIMAL" else f", gap {plan.gap:.1%}"
    console.print(structure_line(plan))
    extra, counted = sum(1 for o in plan.own if not o.counts), sum(own.values())
    theirs = [f"{counted} of your own counted in their weeks"] if counted else []
    theirs += [f"{extra} short block(s) of your own beside them"] if extra else []
    theirs = f" ({'; '.join(theirs)})" if theirs else ""
    console.print(
        f"{sum(per_week.values())} strength sessions{theirs} and {sum(add_ons.values())} short "
        f"core and mobility blocks in {len(plan.weeks)} weeks; solver {plan.status.value}"
        f"{gap}; {len(plan.shortfalls)} week(s) short of the minimum. "
        f"Wrote {escape(', '.join(one_line(w) for w in written))}."
    )


def structure_line(plan: Plan) -> str:
    """One line on how the sessions are built: warm-up, main block, cool-down, lengths."""
    strength = [s for s in plan.sessions if not s.add_on]
    if not strength:
        return "No strength sessions."
    warm = sorted({s.warmup_minutes for s in strength})
    cool = sorted({s.cooldown_minutes for s in strength})
    lengths = sorted(s.minutes for s in strength)

    def span(values: list[int]) -> str:
        return f"{values[0]}" if values[0] == values[-1] else f"{values[0]}-{values[-1]}"

    add_ons = sorted(s.minutes for s in plan.sessions if s.add_on)
    text = (f"Each strength session: a {span(warm)}-minute warm-up, the main block, a "
            f"{span(cool)}-minute cool-down; {span(lengths)} minutes in all (the "
            "calendar event lasts what the session holds).")
    if add_ons:
        text += f" Core and mobility blocks: {span(add_ons)} minutes."
    return text


def print_explanation(plan: Plan, *, weeks: set[int] = frozenset(),
                      dates: set[dt.date] = frozenset()) -> None:
    """Week by week: each session and why it sits there, each shortfall with its fixes, each
    conflict between rules, and the soft rules paid; then the season's penalty table."""
    from rich.markup import escape

    console = _console(soft_wrap=True)  # a reason stays on one line
    wanted = set(weeks) | {w.index for w in plan.weeks for d in dates if w.monday <= d <= w.sunday}
    short = {sf.week: sf for sf in plan.shortfalls}
    conflicts = {c.week: c for c in plan.conflicts}
    paid: dict[int, list[dict]] = {}
    for row in plan.penalty_breakdown():
        paid.setdefault(row["week"], []).append(row)
    who = escape(plan.athlete.name or plan.athlete.id)
    console.print(f"[bold]Why the plan for {who} looks the way it does[/bold] "
                  f"(solver {plan.status.value})")
    for w in plan.weeks:
        if wanted and w.index not in wanted:
            continue
        phase = w.phase.value + (" deload" if w.deload else "")
        if w.emphasis:
            phase += f", {w.emphasis}"
        race = f", {escape(w.race.label)}" if w.race else ""
        console.print(f"\n[bold]Week {w.index}[/bold] ({w.monday:%a %d %b %Y}; {phase}{race}; "
                      f"{'-'.join(map(str, w.sessions_range()))} sessions"
                      f"{f', {w.own_sessions} of them your own' if w.own_sessions else ''})")
        for s in plan.sessions:
            if s.week != w.index:
                continue
            console.print(f"  [green]{s.start:%a %H:%M}[/green] {escape(s.title)}"
                          f"{' (re-test)' if s.retest else ''}")
            for part in s.reason.split("; "):
                console.print(f"      {escape(part)}")
        if w.index in short:
            sf = short[w.index]
            console.print(f"  [red]short: {sf.placed} of {sf.needed} sessions[/red]")
            for reason in sf.reasons:
                console.print(f"      {escape(reason)}")
            for n, fix in enumerate(sf.fixes, 1):
                console.print(f"      fix {n}: {escape(fix)}")
        if w.index in conflicts:
            c = conflicts[w.index]
            console.print(f"  [red]conflict ({c.check}): {' + '.join(c.rules)}[/red]")
            for line in c.details:
                console.print(f"      {escape(line)}")
        for row in paid.get(w.index, []):
            parts = row["detail"].split("; ")
            detail = "; ".join(parts[:2]) + (f"; {len(parts) - 2} more" if len(parts) > 2 else "")
            console.print(f"  paid {row['rule']}: {row['times']} x, cost {row['cost']} "
                          f"({escape(detail)})")
    if plan.penalties and not wanted:
        console.print()
        console.print(penalty_table(plan))


class RosterProgress:
    """A roster's progress on stderr: a rich bar (athletes done, failed, time left) on a
    terminal; one plain line per athlete into a pipe or a file (``quiet``: failures only)."""

    def __init__(self, total: int, *, quiet: bool = False) -> None:
        import sys

        self.total, self.done, self.failed, self.quiet = total, 0, 0, quiet
        self._bar = None
        if sys.stderr.isatty() and not quiet:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(TextColumn("planning"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("athletes, {task.fields[failed]} failed"),
                                 TimeRemainingColumn(), console=_console(stderr=True),
                                 transient=True)
            self._task = self._bar.add_task("roster", total=total, failed=0)

    def __enter__(self) -> RosterProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, result, done: int, total: int) -> None:
        self.done = done
        self.failed += result.failed
        if result.failed:
            line = f"runstrength: roster: {result.id}: FAILED: {one_line(result.error)}"
        else:
            line = (f"runstrength: roster: {result.id}: {result.sessions} sessions over "
                    f"{result.weeks} weeks, {result.weeks_short} short ({result.status})")
            if result.warnings:
                line += (f", {len(result.warnings)} warning{'s' * (len(result.warnings) != 1)} "
                         "(see roster.html)")
        if result.resumed:
            line += ": kept from the earlier run"
        if self._bar is not None:
            if result.failed:
                self._bar.console.print(line, markup=False)
            self._bar.update(self._task, completed=done, failed=self.failed)
        elif not self.quiet or result.failed:
            import sys

            sys.stderr.write(f"runstrength: [{done}/{total}] "
                             f"{line.removeprefix('runstrength: ')}\n")
            sys.stderr.flush()


def print_comparison(comparison, outdir, *, quiet: bool = False) -> None:
    """The what-if table: one column per scenario, one row per measure, then each
    scenario's difference to base in words; warnings on stderr."""
    import sys

    from runstrength.compare_measures import ROWS, table_cells
    from runstrength.whatif import terminal_lines

    for scenario, result in zip(comparison.scenarios, comparison.results, strict=True):
        for warning in result.warnings:
            sys.stderr.write(f"runstrength: warning: {scenario.name}: {one_line(warning)}\n")
        if result.failed:
            sys.stderr.write(f"runstrength: {scenario.name}: FAILED: {one_line(result.error)}\n")
    if quiet:
        return
    from rich.markup import escape
    from rich.table import Table

    rows = comparison.measures()
    table = Table(title="What if", title_justify="left", show_lines=False)
    table.add_column("")
    for scenario in comparison.scenarios:
        table.add_column(escape(scenario.name), overflow="fold")
    columns = [table_cells(row) for row in rows]
    for i, (label, _key) in enumerate(ROWS):
        if label == "what the plan gave up":
            continue  # long: in compare.csv and the page
        table.add_row(label, *(escape(col[i]) for col in columns))  # user text: no markup
    console = _console()
    console.print(table)
    from runstrength.compare_measures import best

    for line in terminal_lines(comparison) + best(rows):
        console.print(line, markup=False)
    console.print(f"wrote {len(comparison.scenarios)} calendars, compare.csv and compare.html "
                  f"to {outdir}", markup=False)


def shared_lines(result) -> list[str]:
    """Plain words on a roster's shared places (``RosterResult``): how full each gym got,
    how many joined each group, who got fewer sessions than alone, how many sessions the
    room moved."""
    shared = result.roster.shared
    out = []
    slots = [s for j in result.joint for s in j.slots]
    for gym in shared.gyms:
        rows = [s for s in slots if s["gym"] == gym.name]
        if not rows:
            continue
        full = sum(1 for s in rows if s["athletes"] >= gym.max_athletes)
        most = max(s["athletes"] for s in rows)
        out.append(f"{gym.name}: {len(rows)} session starts, at most {most} of "
                   f"{gym.max_athletes} at once, full at {full} of them")
    groups = [g for j in result.joint for g in j.groups]
    for group in shared.groups:
        rows = [g for g in groups if g["group"] == group.name]
        if rows:
            out.append(f"{group.name}: {len(rows)} sessions held, "
                       f"{sum(g['attendees'] for g in rows)} places taken of "
                       f"{len(rows) * group.max_size}")
    fewer = sorted((who, n) for j in result.joint for who, n in j.fewer.items())
    if fewer:
        out.append("fewer sessions than alone, for room: " + ", ".join(
            f"{who} {mine} of {alone}" for who, (mine, alone) in fewer))
    moves = sum(len(j.moves) for j in result.joint)
    if shared.gyms or shared.groups:
        out.append(f"{moves} session{'s' * (moves != 1)} moved for room (see roster.html); "
                   "occupancy.csv" + (" and group-sessions.ics" if shared.groups else "")
                   + " written")
    return out
