"""What a season's sessions hold once they are placed: the week's jumps and the load cues.

``jump_budgets`` gives each week's one jump session its ground contacts (seed 004: explosive
work once a week; seed 002: modest volume at first, raised a little at a time); no jumps in the
days after a race. ``progress_season`` rewrites the load cues so they follow what the athlete
actually did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from runstrength.domain import Athlete, Category, Exercise, Phase, PlannedSession, Race, Week
from runstrength.knowledge import Knowledge, SessionKind
from runstrength.prescription.dose import History, item_load_parts, join_load, leg_rule
from runstrength.prescription.structure import jump_capable


def no_jump_days(races: list[Race], k: Knowledge) -> set[dt.date]:
    """Days after a race without jumps (periodization.toml return_after_race.no_jump_days)."""
    back = k.periodization.return_after_race
    if back is None:
        return set()
    last = dt.date.max - dt.timedelta(days=max(back.no_jump_days.values(), default=0))
    return {race.date + dt.timedelta(days=d) for race in races if race.date <= last
            for d in range(1, back.no_jump_days.get(race.distance, 0) + 1)}


def jump_budgets(sessions: list[PlannedSession], weeks: list[Week], athlete: Athlete,
                 k: Knowledge, races: list[Race],
                 measure: Callable[[int, int], int]) -> dict[int, int]:
    """Position in ``sessions`` -> ground contacts, for each week's one jump session.

    The jump session is the week's power session, else its first heavy-leg session; a week
    whose re-test session (all-out jumps and sprints) could jump has no other jumps; sessions
    in the days after a race never jump. A week's contacts are the phase's ``start`` when the
    last ``gap_weeks`` weeks had no jumps, else ``growth`` times the most those weeks really
    held (``measure(position, budget)`` says how many a budget gives) but not below ``start``;
    never above the phase's ``cap``; a deload week cuts them like its sets.
    """
    c = k.prescription.contacts
    if c is None:
        return {}
    quiet = no_jump_days(races, k)
    held: dict[int, int] = {}
    out: dict[int, int] = {}
    order = sorted(range(len(sessions)), key=lambda i: sessions[i].start)
    for week in weeks:
        if week.phase not in c.phases:
            continue
        here = [i for i in order if sessions[i].week == week.index]
        able = [i for i in here if (kind := k.sessions.get(sessions[i].kind)) is not None
                and jump_capable(kind, week, athlete, k) and sessions[i].day not in quiet]
        if not able or any(sessions[i].retest for i in able):
            continue
        own = [i for i in able if Category.PLYOMETRIC in k.sessions[sessions[i].kind].sets.get(
            week.phase, {})]
        pick = (own or able)[0]
        recent = [n for i, n in held.items() if 0 < week.index - i <= c.gap_weeks]
        # never below the phase's start: a deload or a short session must not spiral it down
        share = c.level_share.get(athlete.level, 1.0)
        start = int(c.start.get(week.phase, 0) * share)
        budget = max(start, int(max(recent) * c.growth)) if recent else start
        budget = min(budget, int(c.cap.get(week.phase, 0) * share))
        if week.deload:
            budget = int(budget * k.periodization.deload_volume)
        if budget <= 0:
            continue
        out[pick] = budget
        held[week.index] = measure(pick, budget)
    return out


def _tier(ex: Exercise, kind: SessionKind, phase: Phase, k: Knowledge) -> bool:
    """True when ``ex`` runs at a capped leg load in ``kind`` (a moderate session's leg lift):
    its "last week's load" is the capped one, so it progresses apart from the same lift in a
    heavy session."""
    return leg_rule(kind, phase, ex.category, k) is not None


def progress_season(sessions: list[PlannedSession], weeks: list[Week], athlete: Athlete,
                    k: Knowledge) -> list[PlannedSession]:
    """The season's sessions with load cues that follow what the athlete actually did.

    ``prescribe`` sees one session and assumes an unbroken block. Here, over all the athlete's
    sessions (in any order; the result does not depend on it, and a second pass changes
    nothing):

    - a lift not done in the week before in the same block (a blacked-out week, or a session
      kind that week did not have) gets its ``first`` cue ("set this block's working load") in
      the week it is back, and its later steps count from there; a lift in a moderate-leg
      session counts apart from the same lift in a heavy one (its load is a capped one);
    - a deload week's loaded lift not done the week before (in any session) gets
      ``deload_first`` instead of "at last week's load";
    - an emphasis with ``new_load`` (peak: "keep last block's loads") gives it to a lift the
      previous block did not have, in its first week in the block (``new_load_later`` after);
    - a jump's first week says ``again`` instead of "learn the landing" once the athlete has
      jumped in an earlier week since the season start or the last recovery block.

    Re-test items keep their cues. Sessions of a kind or week not in ``k``/``weeks`` are kept.
    The session's ``week_load`` (the week's cues, stated once) follows.
    """
    from runstrength.prescription.structure import week_load

    by_index = {w.index: w for w in weeks}
    tests = {item.id for item in k.prescription.retest.items}
    done: dict[int, set[tuple[str, bool]]] = {}  # week -> (exercise id, capped leg load)
    by_block: dict[int, set[str]] = {}
    first: dict[tuple[int, str], PlannedSession] = {}  # (block, exercise) -> first session
    jump_weeks: set[int] = set()
    for s in sessions:
        kind, week = k.sessions.get(s.kind), by_index.get(s.week)
        if kind is None or week is None:
            continue
        for p in s.exercises:
            if p.exercise.id in tests:
                continue
            done.setdefault(week.index, set()).add((p.exercise.id,
                                                    _tier(p.exercise, kind, week.phase, k)))
            by_block.setdefault(week.block, set()).add(p.exercise.id)
            key = (week.block, p.exercise.id)
            if key not in first or s.start < first[key].start:
                first[key] = s
            if p.exercise.category is Category.PLYOMETRIC:
                jump_weeks.add(week.index)
    resets = sorted(w.index for w in weeks if w.phase is Phase.RECOVERY)

    first_of_block: dict[int, int] = {}
    for w in weeks:
        first_of_block.setdefault(w.block, w.index)
    done_in: dict[str, set[int]] = {}  # exercise -> week indices
    for index, items in done.items():
        for ex_id, _ in items:
            done_in.setdefault(ex_id, set()).add(index)

    def recent(ex: Exercise, week: Week) -> bool:
        """Done in the weeks just before this block (``progression.recent_weeks``): a one-week
        race-week block between two blocks must not make every lift look new."""
        start = first_of_block.get(week.block, week.index)
        back = k.prescription.progression.recent_weeks
        return any(start - back <= i < start for i in done_in.get(ex.id, ()))

    jumped_by: dict[int, bool] = {}  # week -> a jump since the last recovery week before it

    def jumped(week: Week) -> bool:
        if week.index not in jumped_by:
            reset = max((i for i in resets if i < week.index), default=0)
            jumped_by[week.index] = any(reset < i < week.index for i in jump_weeks)
        return jumped_by[week.index]

    def history(ex: Exercise, kind: SessionKind, week: Week, s: PlannedSession) -> History:
        key = (ex.id, _tier(ex, kind, week.phase, k))
        since, index = week.block_week, week.index
        while ((prev := by_index.get(index - 1)) is not None and prev.block == week.block
               and key in done.get(prev.index, ())):
            since, index = prev.block_week, prev.index
        prev = by_index.get(week.index - 1)
        prev_week = prev.index if prev is not None and prev.block == week.block else None
        return History(
            since=since,
            last_week=prev_week is not None and any(
                (ex.id, capped) in done.get(prev_week, ()) for capped in (False, True)),
            last_block=ex.id in by_block.get(week.block - 1, ()) or recent(ex, week),
            jumped=jumped(week),
            earlier=(None if (f := first.get((week.block, ex.id))) is None
                     or f.start >= s.start else by_index[f.week].block_week),
            back=since == week.block_week and any(
                by_index[i].block == week.block and i < week.index
                for i in done_in.get(ex.id, ())),
        )

    out: list[PlannedSession] = []
    for s in sessions:
        kind, week = k.sessions.get(s.kind), by_index.get(s.week)
        if kind is None or week is None:
            out.append(s)
            continue
        items = []
        for p in s.exercises:
            if p.exercise.id in tests:
                items.append(p)
                continue
            effort, progression = item_load_parts(p.exercise, kind, week, athlete, k,
                                                  history(p.exercise, kind, week, s))
            load = join_load(effort, progression)
            items.append(p if load == p.load else p.model_copy(update={
                "load": load, "effort": effort, "progression": progression}))
        changed = any(a is not b for a, b in zip(items, s.exercises, strict=True))
        out.append(s.model_copy(update={"exercises": items, "week_load": week_load(items, k)})
                   if changed else s)
    return out
