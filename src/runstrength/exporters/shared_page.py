"""The roster page's section on shared places: for each gym a heat map of the week (the most
athletes in it at once, by weekday and hour, over the season), each group session with who
came, and the sessions the capacity moved ("who was moved for whom")."""

from __future__ import annotations

from runstrength.exporters.report import _e

STYLE = """
table.heat { border-collapse: collapse; font-size: .75rem; margin: .4rem 0 1rem; }
table.heat th, table.heat td { border: 1px solid #fff; padding: .2rem .3rem; text-align: center;
  min-width: 1.7rem; }
table.heat th { color: var(--muted); font-weight: 600; }
table.heat td.full { outline: 2px solid #1f2328; outline-offset: -2px; font-weight: 700; }
table.groups td, table.groups th { padding: .25rem .5rem; border-bottom: 1px solid var(--line);
  text-align: left; }
ul.moves { font-size: .85rem; }
"""
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _shade(n: int, room: int) -> str:
    """A blue from pale (one athlete) to deep (full)."""
    level = min(1.0, n / room) if room else 1.0
    light = int(92 - 52 * level)
    return f"hsl(212 60% {light}%)" + (";color:#fff" if light < 60 else "")


def heat_map(rows: list[dict], room: int) -> str:
    """Weekday x hour: the most athletes in the gym at once at starts in that hour, with the
    number of times it was full in the cell's title."""
    peak: dict[tuple[int, int], int] = {}
    full: dict[tuple[int, int], int] = {}
    for r in rows:
        key = (r["weekday"], r["hour"])
        peak[key] = max(peak.get(key, 0), r["athletes"])
        full[key] = full.get(key, 0) + (r["athletes"] >= room)
    hours = sorted({h for _, h in peak})
    if not hours:
        return "<p>No sessions in this gym.</p>"
    hours = list(range(hours[0], hours[-1] + 1))
    out = ['<table class="heat"><thead><tr><th></th>'
           + "".join(f"<th>{h:02d}</th>" for h in hours) + "</tr></thead><tbody>"]
    for d, name in enumerate(DAYS):
        cells = []
        for h in hours:
            n = peak.get((d, h), 0)
            if not n:
                cells.append("<td></td>")
                continue
            title = f"{name} {h:02d}:00-{h:02d}:59: at most {n} of {room}"
            if full[(d, h)]:
                title += f", full {full[(d, h)]} time{'s' * (full[(d, h)] != 1)}"
            cells.append(f'<td class="{"full" if n >= room else ""}" style="background:'
                         f'{_shade(n, room)}" title="{_e(title)}">{n}</td>')
        out.append(f"<tr><th>{name}</th>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def shared_section(result) -> str:
    """The section for ``result`` (a RosterResult); empty when the roster shares nothing."""
    shared = result.roster.shared
    if not shared.gyms and not shared.groups:
        return ""
    slots = [s for j in result.joint for s in j.slots]
    groups = [g for j in result.joint for g in j.groups]
    moves = [m for j in result.joint for m in j.moves]
    out = ["<section><h2>Shared places</h2>"]
    for gym in shared.gyms:
        rows = [s for s in slots if s["gym"] == gym.name]
        times_full = sum(1 for s in rows if s["athletes"] >= gym.max_athletes)
        out.append(f"<h3>{_e(gym.name)}: room for {gym.max_athletes}</h3>"
                   f"<p>{len(rows)} session starts; full at {times_full} of them. Each cell: "
                   "the most athletes in the gym at once, by weekday and hour, over the season "
                   "(outlined: full).</p>")
        out.append(heat_map(rows, gym.max_athletes))
    for group in shared.groups:
        rows = [g for g in groups if g["group"] == group.name]
        out.append(f"<h3>{_e(group.name)}: up to {group.max_size}</h3>")
        if not rows:
            out.append("<p>No one could join it.</p>")
            continue
        out.append('<table class="groups"><thead><tr><th>Date</th><th>Places</th><th>Who'
                   "</th></tr></thead><tbody>")
        for g in rows:
            out.append(f"<tr><td>{_e(g['date'])} {_e(g['start'][11:16])}</td>"
                       f"<td>{g['attendees']} of {g['max_size']}</td><td>{_e(g['who'])}</td>"
                       "</tr>")
        out.append("</tbody></table>")
    fewer = sorted((who, n) for j in result.joint for who, n in j.fewer.items())
    if fewer:
        out.append("<h3>Fewer sessions than alone</h3><p>For room, these athletes have fewer "
                   "strength sessions than they would have had planned alone: "
                   + ", ".join(f"{_e(who)} {mine} of {alone}" for who, (mine, alone) in fewer)
                   + ".</p>")
    out.append(f"<h3>Moved for room ({len(moves)})</h3>")
    if moves:
        out.append('<p>Sessions an athlete would have had planned alone that the shared plan '
                   "put elsewhere, and who held the slot.</p><ul class=\"moves\">"
                   + "".join(f"<li>{_e(m)}</li>" for m in moves) + "</ul>")
    else:
        out.append("<p>None: every athlete has the plan they would have had alone.</p>")
    out.append("</section>")
    return "\n".join(out)
