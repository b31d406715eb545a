"""Races -> a phase, deload flag, session limits and set targets for every week of the season,
and each week's place in a training block (block, week of the block, re-test week, emphasis)."""

from __future__ import annotations

import datetime as dt
import itertools

from runstrength.domain import (
    BALANCED,
    Athlete,
    Category,
    Distance,
    Level,
    Phase,
    Priority,
    Race,
    Week,
)
from runstrength.knowledge import LOADING_PHASES, Knowledge

LOADING = LOADING_PHASES  # base and build load and progress; the other phases do not


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def goal_race(races: list[Race]) -> Race | None:
    """The season's goal when no race is an A race: the last race of the highest priority."""
    if not races or any(r.priority is Priority.A for r in races):
        return None
    best = min(r.priority for r in races)  # "B" < "C"
    return max((r for r in races if r.priority == best), key=lambda r: r.date)


def _race_phase(weeks_out: int, race: Race, k: Knowledge, goal: Race | None = None
                ) -> Phase | None:
    """Phase of a week ``weeks_out`` weeks before ``race``'s week, as that race sees it.

    With no A race, the ``goal`` race (``goal_race``) gets a build before it as an A race
    would, and its own mini-taper (``b_race_taper_weeks``), no peak.
    """
    p = k.periodization
    if goal is not None and race == goal:
        if weeks_out == 0:
            return Phase.RACE_WEEK
        if weeks_out < p.b_race_taper_weeks:
            return Phase.TAPER
        return Phase.BUILD if weeks_out <= p.build_weeks_out else None
    if race.priority is Priority.A:
        taper = p.taper_weeks[race.distance]
        if weeks_out == 0:
            return Phase.RACE_WEEK
        if weeks_out < taper:
            return Phase.TAPER
        if weeks_out < taper + p.peak_weeks:
            return Phase.PEAK
        if weeks_out <= p.build_weeks_out:
            return Phase.BUILD
        return None
    if race.priority is Priority.B and weeks_out < p.b_race_taper_weeks:
        return Phase.RACE_WEEK if weeks_out == 0 else Phase.TAPER
    return None


# When two races claim a week, the phase that protects the race more wins.
_PRECEDENCE = {
    Phase.RACE_WEEK: 0,
    Phase.TAPER: 1,
    Phase.RECOVERY: 2,
    Phase.PEAK: 3,
    Phase.BUILD: 4,
    Phase.BASE: 5,
}


def phase_of_week(monday: dt.date, races: list[Race], k: Knowledge) -> Phase:
    """The phase of the week starting ``monday`` given every race of the season."""
    claims = [Phase.BASE]
    goal = goal_race(races)
    for race in races:
        weeks_out = (monday_of(race.date) - monday).days // 7
        if weeks_out >= 0:
            phase = _race_phase(weeks_out, race, k, goal)
        elif race.priority is Priority.A and -weeks_out <= k.periodization.recovery_weeks[
            race.distance
        ]:
            phase = Phase.RECOVERY
        else:
            phase = None
        if phase is not None:
            claims.append(phase)
    return min(claims, key=_PRECEDENCE.__getitem__)


def _blocks(phases: list[Phase], deloads: list[bool], every: int) -> list[list[int]]:
    """Week positions grouped into training blocks.

    A loading block (base/build) runs until its deload week, or until a non-loading phase
    begins; base turning into build does not cut it, so the deload rhythm and the lifts of the
    block carry on. Each run of one non-loading phase is a block of its own, cut every
    ``every`` weeks if it runs longer.
    """
    blocks: list[list[int]] = []
    for i, phase in enumerate(phases):
        if blocks:
            prev = blocks[-1][-1]
            loading, was_loading = phase in LOADING, phases[prev] in LOADING
            same = (
                (loading and was_loading and not deloads[prev])
                or (not loading and not was_loading and phase is phases[prev]
                    and len(blocks[-1]) < every)
            )
            if same:
                blocks[-1].append(i)
                continue
        blocks.append([i])
    return blocks


def _block_phase(block: list[int], phases: list[Phase]) -> Phase:
    """The phase most of the block's weeks are in; a tie goes to the earlier phase (a block
    begun in base is still a base block when build takes its last two weeks)."""
    ordered = [phases[i] for i in block]
    return max(ordered, key=ordered.count)


def _emphases(blocks: list[list[int]], phases: list[Phase], level: Level,
              k: Knowledge) -> list[str]:
    """Each block's training emphasis.

    Loading blocks climb ``emphasis.ladder`` one step per block, kept inside the phase's
    ``emphasis.range`` (with the bundled models base stops at strength and build starts
    there, so even a short build reaches power); a block
    shorter than ``min_block_weeks`` repeats its step. For a level in
    ``first_block_from_bottom`` the season's first loading block (of at least
    ``min_block_weeks``) starts at the bottom of the ladder whatever its phase: a season that
    opens in build still begins with the technique block. After a ``restart_after`` phase (the
    post-race reset) the climb starts again. Other phases have a fixed emphasis.
    """
    e = k.periodization.emphasis
    step = 0
    fresh = level in e.first_block_from_bottom  # no full loading block behind the athlete yet
    out: list[str] = []
    for block in blocks:
        phase = _block_phase(block, phases)
        if phase in e.range:
            first, last = (e.ladder.index(name) for name in e.range[phase])
            if fresh:
                first = 0
            used = min(max(step, first), last)
            out.append(e.ladder[used])
            if len(block) >= e.min_block_weeks:
                step, fresh = used + 1, False
            else:
                step = used
        else:
            out.append(e.fixed[phase])
            if phase in e.restart_after:
                step = 0
    return out


def periodize(athlete: Athlete, start: dt.date, end: dt.date, k: Knowledge) -> list[Week]:
    """The Monday-Sunday weeks that hold ``start``..``end``; edge weeks keep only season days.

    Every week gets its phase, deload flag, session limits and set targets, and its place in a
    training block (block number, week of the block, whether it closes the block with a
    re-test) and the block's training emphasis.
    """
    p = k.periodization
    races = sorted(athlete.races, key=lambda r: r.date)
    mondays: list[dt.date] = []
    monday = monday_of(start)
    while monday <= end:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    phases = [phase_of_week(m, races, k) for m in mondays]
    deloads: list[bool] = []
    loading_run = 0
    for phase in phases:
        loading_run = loading_run + 1 if phase in LOADING else 0
        deloads.append(loading_run > 0 and loading_run % p.deload_every == 0)
    blocks = _blocks(phases, deloads, p.deload_every)
    emphases = _emphases(blocks, phases, athlete.level, k)
    place: dict[int, tuple[int, int, bool, str]] = {}
    for number, (block, emphasis) in enumerate(zip(blocks, emphases, strict=True), start=1):
        # A block cut by the end of the season has not finished, and one cut short by a race
        # has too little behind it to measure: neither re-tests.
        closed = block[-1] < len(mondays) - 1 or deloads[block[-1]]
        # The re-test goes in the block's last loading week, before its deload (a review by a
        # strength coach: test fresh from training, not in the week meant to shed fatigue).
        test_week = next((i for i in reversed(block) if not deloads[i]), block[-1])
        retest = (closed and len(block) >= p.retest_min_weeks
                  and _block_phase(block, phases) in p.retest_phases)
        for n, i in enumerate(block, start=1):
            place[i] = (number, n, retest and i == test_week, emphasis)

    caps = _return_caps(mondays, phases, deloads, races, athlete, k)
    freeze = _lift_freeze(mondays, races, [place[i][0] for i in range(len(mondays))], k)
    weeks: list[Week] = []
    for i, (monday, phase) in enumerate(zip(mondays, phases, strict=True)):
        deload = deloads[i]
        own = _leg_target(phase, athlete, k)
        back = min(1.0, caps[i] / own) if i in caps and own else 1.0  # a week back after a race
        scale = p.level_volume[athlete.level] * min(p.deload_volume if deload else 1.0, back)
        limits = p.limits[athlete.level][phase]
        sunday = monday + dt.timedelta(days=6)
        first, last = max(monday, start), min(sunday, end)
        # A week cut by the season's ends asks for its share of the minimum, rounded down.
        share = ((last - first).days + 1) / 7
        race = next((r for r in races if monday <= r.date <= sunday), None)
        block, block_week, block_end, emphasis = place[i]
        weeks.append(
            Week(
                index=i + 1,
                monday=monday,
                phase=phase,
                deload=deload,
                race=race,
                first=first,
                last=last,
                min_sessions=int(limits.min * share),
                max_sessions=limits.max,
                targets={c: round(p.targets[phase].get(c, 0) * scale) for c in BALANCED},
                block=block,
                block_week=block_week,
                block_end=block_end,
                emphasis=emphasis,
                volume_share=back,
                leg_cap=int(caps[i]) if i in caps else None,
                lift_block=freeze.get(i, (None, []))[0],
                banned_equipment=freeze.get(i, (None, []))[1],
            )
        )
    return weeks


#: The leg categories a race's return cap counts (what a race leaves sore).
LEG_CAP_CATEGORIES = (Category.POSTERIOR, Category.UNILATERAL)


def _leg_target(phase: Phase, athlete: Athlete, k: Knowledge) -> float:
    """The week's leg working-set target (posterior chain + unilateral) at the athlete's level."""
    p = k.periodization
    return sum(p.targets[phase].get(c, 0) for c in LEG_CAP_CATEGORIES) * p.level_volume[
        athlete.level]


def reference_weeks(index: int, phases: list[Phase], deloads: list[bool], n: int) -> list[int]:
    """The last ``n`` loading, non-deload weeks before week position ``index``: the training
    the weeks back after a race are measured against (the run-in of peak and taper skipped)."""
    out = [i for i in range(index) if phases[i] in LOADING and not deloads[i]]
    return out[-n:]


def _return_caps(mondays: list[dt.date], phases: list[Phase], deloads: list[bool],
                 races: list[Race], athlete: Athlete, k: Knowledge) -> dict[int, float]:
    """Week position -> most leg working sets it may hold, for the weeks back after a race.

    Each week after a race week gets ``shares[priority][distance][j]`` (its j-th week back) of
    the mean leg target of the race's reference weeks (periodization.toml return_after_race);
    a week after two races takes the smaller cap. A race with no reference week in the season
    (the season starts in its taper) sets no cap.
    """
    back = k.periodization.return_after_race
    if back is None:
        return {}
    out: dict[int, float] = {}
    for race in races:
        r = next((i for i, m in enumerate(mondays) if m <= race.date < m + dt.timedelta(days=7)),
                 None)
        if r is None:
            continue
        ref = reference_weeks(r, phases, deloads, back.reference_weeks)
        if not ref:
            continue
        level = sum(_leg_target(phases[i], athlete, k) for i in ref) / len(ref)
        for j, share in enumerate(back.shares.get(race.priority, {}).get(race.distance, [])):
            i = r + 1 + j
            if i < len(mondays):
                out[i] = min(out.get(i, level), share * level)
    return out


def _lift_freeze(mondays: list[dt.date], races: list[Race], blocks: list[int],
                 k: Knowledge) -> dict[int, tuple[int | None, list[str]]]:
    """Week position -> (block whose lifts it keeps, equipment banned) for the weeks close to
    an A race (periodization.toml lift_freeze): no new lift comes in there."""
    freeze = k.periodization.lift_freeze
    if freeze is None or freeze.weeks <= 0:
        return {}
    out: dict[int, tuple[int | None, list[str]]] = {}
    for race in races:
        if race.priority is not Priority.A:
            continue
        r = next((i for i, m in enumerate(mondays) if m <= race.date < m + dt.timedelta(days=7)),
                 None)
        if r is None:
            continue
        before = r - freeze.weeks
        for i in range(max(0, before + 1), r + 1):
            keep = blocks[before] if before >= 0 else None
            out.setdefault(i, (keep, list(freeze.equipment)))
    return out


def a_race_warnings(races: list[Race], k: Knowledge) -> list[str]:
    """What is wrong with a race calendar: two A races closer than the longer one's taper +
    recovery (the second has no build), two races on one day, a B or C race inside an A
    race's recovery (models/periodization.toml taper_weeks, recovery_weeks)."""
    a = sorted((r for r in races if r.priority is Priority.A), key=lambda r: r.date)
    out = []
    for one, two in itertools.pairwise(a):
        longer = max(one, two, key=lambda r: list(Distance).index(r.distance)).distance
        need = (k.periodization.taper_weeks[longer]
                + k.periodization.recovery_weeks[longer])
        gap = (two.date - one.date).days // 7
        if gap < need:
            out.append(f"A races {one.label} ({one.date}) and {two.label} ({two.date}) are "
                       f"{gap} weeks apart, less than the {longer} taper and recovery "
                       f"({need} weeks): the second has no build of its own; make one a B race")
    by_day: dict[dt.date, list[Race]] = {}
    for race in races:
        by_day.setdefault(race.date, []).append(race)
    for day, same in sorted(by_day.items()):
        if len(same) > 1:
            out.append(f"{len(same)} races on {day}: {', '.join(r.label for r in same)}; "
                       "move or drop one")
    for one in a:  # a B or C race in the recovery after an A race
        rest = k.periodization.recovery_weeks[one.distance]
        for other in races:
            gap = (other.date - one.date).days
            if other.priority is not Priority.A and 0 < gap <= 7 * rest:
                out.append(f"{other.label} ({other.date}, {other.priority}) is {gap // 7} "
                           f"week(s) after the A race {one.label} ({one.date}), inside its "
                           f"{rest}-week recovery")
    return out
