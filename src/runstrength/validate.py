"""A solver-free check of every hard rule on a finished plan, and of the coaching criteria.

It shares no code with the model's rules or the prescriber on purpose: it reads the plan, the
runs, busy time, the profile and the models, and says in plain words which hard rule a session
breaks (``validate``) or which coaching criterion a session or week misses (``coaching``, rule
ids ``coach:...``). Tests run it on every plan they make.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass

from runstrength.domain import (
    Category,
    LegLoad,
    Level,
    Phase,
    Plan,
    PlannedSession,
    Priority,
    RunKind,
    RunWorkout,
    after,
    local_at,
)
from runstrength.knowledge import Knowledge


@dataclass(frozen=True)
class Violation:
    rule: str
    session: PlannedSession | None
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _overlaps(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> bool:
    return a0 < b1 and b0 < a1


def validate(plan: Plan, k: Knowledge) -> list[Violation]:
    """Every hard-rule violation in ``plan`` (an empty list for a valid plan). A re-plan's
    sessions before its first day (``Plan.today``) are history, kept as they were: a rule
    they break against runs that moved since is not counted against the plan."""
    rules = k.rules
    athlete = plan.athlete
    zone = athlete.zone
    key_kinds = set(athlete.key_runs or rules.key_runs)
    runs = list(plan.runs)
    # A race in the profile is a key run on its day even when the schedule lacks it; like an
    # all-day run it starts at the profile's run_time and lasts run_minutes.
    for race in athlete.races:
        if not any(r.kind is RunKind.RACE and r.day == race.date for r in runs):
            start = local_at(race.date, athlete.run_time, zone)
            runs.append(RunWorkout(start=start, kind=RunKind.RACE, title=race.label,
                                   end=after(start, dt.timedelta(minutes=athlete.run_minutes))))
    key_days: dict[dt.date, list] = {}
    for run in runs:
        if run.kind in key_kinds:
            key_days.setdefault(run.day, []).append(run)
    long_days = {run.day for run in runs if run.kind is RunKind.LONG}
    back = k.periodization.return_after_race
    weeks = {w.index: w for w in plan.weeks}
    races = athlete.races
    pad = dt.timedelta(minutes=rules.run_buffer_minutes)
    out: list[Violation] = []

    def bad(rule: str, s: PlannedSession | None, msg: str) -> None:
        if (s is not None and plan.today is not None
                and s.start.astimezone(zone).date() < plan.today):
            return
        out.append(Violation(rule, s, msg))

    for s in plan.sessions:
        label = f"{s.kind} {s.start:%a %Y-%m-%d %H:%M}"
        day = s.start.astimezone(zone).date()
        heavy = s.leg_load is LegLoad.HEAVY
        # availability
        inside = any(
            dt.datetime.combine(day, w.start, zone) <= s.start
            and s.end <= dt.datetime.combine(day, w.end, zone)
            for w in athlete.windows_on(day)
        )
        if not inside:
            bad("availability", s, f"{label} is outside the availability windows")
        for run in runs:
            if _overlaps(s.start, s.end, run.start - pad, run.end + pad):
                bad("availability", s, f"{label} overlaps run {run.title or run.kind.value}")
        for block in plan.busy:
            if _overlaps(s.start, s.end, block.start, block.end):
                bad("availability", s, f"{label} overlaps busy event {block.title}")
        # blackouts
        if any(b.start <= day <= b.end for b in athlete.blackouts):
            bad("blackouts", s, f"{label} falls in a blackout")
        # no-heavy-legs-before-key
        if heavy and key_days.get(day + dt.timedelta(days=1)):
            bad("no-heavy-legs-before-key", s, f"{label} is heavy the day before a key run")
        if s.leg_load in rules.before_long_loads and day + dt.timedelta(days=1) in long_days:
            bad("no-heavy-legs-before-key", s, f"{label} is {s.leg_load.value} the day before "
                                               "a long run")
        # no-stacking
        if (athlete.level is not Level.ADVANCED and s.leg_load in rules.long_run_day_loads
                and day in long_days):
            bad("no-stacking", s, f"{label} is {s.leg_load.value} on a long-run day")
        if heavy and key_days.get(day):
            if athlete.level is not Level.ADVANCED:
                bad("no-stacking", s, f"{label} is heavy on a key-run day")
            else:
                gap = dt.timedelta(hours=rules.advanced_same_day_gap_hours)
                if any(s.start < run.end + gap for run in key_days[day]):
                    bad("no-stacking", s, f"{label} starts under {gap} after a key run")
        # race-week
        week = weeks.get(s.week)
        if week and week.phase is Phase.RACE_WEEK and s.leg_load not in (LegLoad.LIGHT,
                                                                         LegLoad.NONE):
            bad("race-week", s, f"{label} is {s.leg_load.value} in race week")
        for race in races:
            before = (race.date - day).days
            if race.priority is not Priority.C and 0 <= before <= rules.race_week_quiet_days:
                bad("race-week", s, f"{label} is within {before} days of {race.label}")
            if heavy and 0 <= before <= rules.race_week_quiet_days:
                bad("race-week", s, f"{label} is heavy {before} days before {race.label}")
            if (race.priority is Priority.A and 0 <= before <= rules.a_race_unloaded_days
                    and s.leg_load in (LegLoad.HEAVY, LegLoad.MODERATE)):
                bad("race-week", s, f"{label} loads the legs {before} days before {race.label}")
            # return-after-race
            unloaded = max(rules.race_recovery_unloaded_days,
                           back.unloaded_days.get(race.distance, 0) if back else 0,
                           rules.a_race_recovery_unloaded_days
                           if race.priority is Priority.A else 0)
            if 0 <= -before <= unloaded and s.leg_load in (LegLoad.HEAVY, LegLoad.MODERATE):
                bad("return-after-race", s, f"{label} loads the legs {-before} days after "
                                            f"{race.label}")
            no_heavy = back.no_heavy_days.get(race.distance, 0) if back else 0
            if 1 <= -before <= no_heavy and heavy:
                bad("return-after-race", s, f"{label} is heavy {-before} days after "
                                            f"{race.label} (none for {no_heavy} days)")
            quiet = back.no_jump_days.get(race.distance, 0) if back else 0
            if 1 <= -before <= quiet and any(p.exercise.category is Category.PLYOMETRIC
                                             for p in s.exercises):
                bad("return-after-race", s, f"{label} has jumps {-before} days after "
                                            f"{race.label} (none for {quiet} days)")

    # one-per-day: the athlete's own strength sessions hold their days
    per_day = Counter(s.start.astimezone(zone).date() for s in plan.sessions)
    own_days = {o.start.astimezone(zone).date(): o for o in plan.own
                if o.minutes >= rules.own_session_min_minutes}
    for day, n in sorted(per_day.items()):
        if n > 1:
            bad("one-per-day", None, f"{n} sessions on {day}")
        if day in own_days:
            bad("one-per-day", None, f"a session on {day}, the day of your own "
                                     f"{own_days[day].title or 'strength session'}")
    # heavy-spacing, the athlete's own heavy sessions included (two of theirs are theirs)
    heavy = sorted([*((s.start, s) for s in plan.sessions if s.leg_load is LegLoad.HEAVY),
                    *((o.start, None) for o in plan.own if o.leg_load is LegLoad.HEAVY)],
                   key=lambda pair: pair[0])
    gap = dt.timedelta(hours=rules.heavy_spacing_hours)
    for (a, sa), (b, sb) in itertools.pairwise(heavy):
        if b - a < gap and (sa or sb):
            bad("heavy-spacing", sb or sa, f"heavy sessions {a:%a %d %b %H:%M} and "
                                           f"{b:%a %d %b %H:%M} are under {gap} apart")
    # return-after-race: the weeks back hold at most their share of the leg sets
    for index, cap in sorted(return_caps(plan, k).items()):
        legs = sum(s.volume.get(c, 0) for s in plan.sessions if s.week == index
                   for c in (Category.POSTERIOR, Category.UNILATERAL))
        if legs > cap:
            bad("return-after-race", None, f"week {index} holds {legs} leg sets after a race, "
                                           f"at most {cap}")
    # phase-max (and each kind's weekly cap); the short add-ons do not count
    per_week = Counter(s.week for s in plan.sessions
                       if s.kind not in k.sessions or k.sessions[s.kind].counts_as_strength)
    for index, n in sorted(per_week.items()):
        week = weeks[index]
        own = sum(1 for o in plan.own if o.start.astimezone(zone).date() in week.days()
                  and o.minutes >= rules.own_session_min_minutes)
        # the athlete's own sessions fill the phase's maximum first; ours take what is left
        room = max(0, week.sessions_range()[1] - own)
        if n > room:
            bad("phase-max", None, f"week {index} ({week.phase.value}) has {n} sessions"
                                   f"{f' beside {own} of your own' if own else ''}, "
                                   f"max {week.sessions_range()[1]}")
    per_kind = Counter((s.week, s.kind) for s in plan.sessions)
    for (index, kind), n in sorted(per_kind.items()):
        cap = k.sessions[kind].max_per_week
        if n > cap:
            bad("phase-max", None, f"week {index} has {n} {kind} sessions, max {cap}")
    from runstrength.coaching import coaching

    return out + coaching(plan, k)


def return_caps(plan: Plan, k: Knowledge) -> dict[int, int]:
    """Week index -> most posterior-chain + unilateral sets it may hold after a race.

    The j-th week after a race week gets ``shares[priority][distance][j]`` of the mean leg
    target (models: targets x level volume) of the last ``reference_weeks`` base/build weeks
    that are not deloads, before the race week (periodization.toml return_after_race).
    """
    back = k.periodization.return_after_race
    if back is None:
        return {}
    p = k.periodization
    level = p.level_volume[plan.athlete.level]

    def legs(phase: Phase) -> float:
        return (p.targets[phase].get(Category.POSTERIOR, 0)
                + p.targets[phase].get(Category.UNILATERAL, 0)) * level

    weeks = sorted(plan.weeks, key=lambda w: w.index)
    out: dict[int, float] = {}
    for race in plan.athlete.races:
        here = [i for i, w in enumerate(weeks) if w.monday <= race.date <= w.sunday]
        if not here:
            continue
        r = here[0]
        ref = [w for w in weeks[:r] if w.phase in (Phase.BASE, Phase.BUILD) and not w.deload]
        ref = ref[-back.reference_weeks:]
        if not ref:
            continue
        mean = sum(legs(w.phase) for w in ref) / len(ref)
        for j, share in enumerate(back.shares.get(race.priority, {}).get(race.distance, [])):
            if r + 1 + j < len(weeks):
                index = weeks[r + 1 + j].index
                out[index] = min(out.get(index, mean), share * mean)
    return {i: int(v) for i, v in out.items()}


def validate_shared(plans: dict[str, Plan], shared, access: dict) -> list[Violation]:
    """Every breach of what a roster's athletes share, across their ``plans`` (id -> Plan):
    a gym session outside its opening hours, more sessions in a gym at once than it holds,
    a group session off its time, over its size, or joined by an athlete it is not open to.
    ``shared`` is a ``resources.Shared``, ``access`` maps ids to ``resources.Access``."""
    from zoneinfo import ZoneInfo

    out: list[Violation] = []
    for gym in shared.gyms:
        inside = [(s, who) for who, p in sorted(plans.items()) for s in p.sessions
                  if s.location == gym.name and not s.group]
        # (a short core or mobility add-on is done where the athlete is, not in the gym)
        for s, who in inside:
            zone = ZoneInfo(gym.timezone) if gym.timezone else s.start.tzinfo
            start, end = s.start.astimezone(zone), s.end.astimezone(zone)
            windows = dict(gym.hours).get(start.weekday(), ())
            if not any(start.date() == end.date() and a <= start.time() and end.time() <= b
                       for a, b in windows):
                out.append(Violation("gym-hours", s, f"{who}: {s.kind} {start:%a %Y-%m-%d %H:%M}"
                                     f"-{end:%H:%M} is outside {gym.name}'s opening hours"))
            there = [w for t, w in inside if _overlaps(t.start, t.end, s.start, s.start
                                                       + dt.timedelta(seconds=1))]
            if len(there) > gym.max_athletes:
                out.append(Violation("gym-capacity", s, f"{gym.name} holds {len(there)} "
                                     f"sessions at {start:%a %Y-%m-%d %H:%M} ({', '.join(there)}),"
                                     f" room for {gym.max_athletes}"))
        for who, p in sorted(plans.items()):  # an athlete of the gym trains there
            if access.get(who) is not None and access[who].gym == gym.name:
                for s in p.sessions:
                    if not s.group and not s.add_on and s.location != gym.name:
                        out.append(Violation("gym-hours", s, f"{who}: {s.kind} {s.start:%Y-%m-%d}"
                                             f" is not at {gym.name}, where {who} trains"))
    for group in shared.groups:
        seats: dict[dt.date, list[str]] = {}
        for who, p in sorted(plans.items()):
            for s in p.sessions:
                if s.group != group.name:
                    continue
                zone = ZoneInfo(group.timezone) if group.timezone else s.start.tzinfo
                start = s.start.astimezone(zone)
                seats.setdefault(start.date(), []).append(who)
                if (start.time() != group.at or not group.on(start.date())
                        or s.end - s.start != dt.timedelta(minutes=group.minutes)
                        or s.kind != group.kind):
                    out.append(Violation("group-size", s, f"{who}: {group.name} on "
                                         f"{start:%Y-%m-%d %H:%M} is not the group's session "
                                         f"({group.kind}, {group.at:%H:%M}, {group.minutes} min)"))
                if access.get(who) is None or group.name not in access[who].groups:
                    out.append(Violation("group-size", s, f"{who} joined {group.name}, which "
                                         "is not open to them"))
        for day, who in sorted(seats.items()):
            if len(who) > group.max_size:
                out.append(Violation("group-size", None, f"{group.name} on {day} holds "
                                     f"{len(who)} ({', '.join(who)}), at most {group.max_size}"))
    return out
