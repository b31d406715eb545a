"""The short terminal summary printed after a plan is written."""

from __future__ import annotations

from collections import Counter

from runstrength.domain import Plan


def print_summary(plan: Plan, written: list[str]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    per_week = Counter(s.week for s in plan.sessions)
    kinds: dict[int, list[str]] = {}
    for s in plan.sessions:
        # First word of the kind's name keeps a season to one line a week.
        kinds.setdefault(s.week, []).append(f"{s.start:%a} {s.title.split()[0].lower()}")
    short = {sf.week for sf in plan.shortfalls}
    # Names and paths are the user's text, not rich markup: "[/]" in a name must not raise.
    who = escape(plan.athlete.name or plan.athlete.id)
    table = Table(title=f"Strength plan for {who}",
                  title_justify="left", box=None, pad_edge=False)
    for col in ("wk", "from", "phase", "n", "sessions"):
        table.add_column(col, overflow="fold")
    for w in plan.weeks:
        phase = w.phase.value + (" (deload)" if w.deload else "")
        if w.race:
            phase += f" ({escape(w.race.label)})"
        count = f"{per_week.get(w.index, 0)}/{w.min_sessions}-{w.max_sessions}"
        style = "bold red" if w.index in short else None
        table.add_row(str(w.index), f"{w.monday:%d %b %y}", phase, count,
                      ", ".join(kinds.get(w.index, [])) or "-", style=style)
    console.print(table)
    gap = "" if plan.status == "OPTIMAL" else f", gap {plan.gap:.1%}"
    console.print(
        f"{len(plan.sessions)} sessions in {len(plan.weeks)} weeks; solver {plan.status.value}"
        f"{gap}; {len(plan.shortfalls)} week(s) short of the minimum. "
        f"Wrote {escape(', '.join(written))}."
    )
