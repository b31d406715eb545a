"""Title/description → run kind, another sport, or busy time (word lists: models/classify.toml)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from runstrength.domain import LegLoad, RunKind
from runstrength.errors import InputError
from runstrength.knowledge import Classify
from runstrength.text import one_line

# TrainingPeaks puts the sport on its own description line; the rest of a description is
# free text ("we will run through the budget"), so only these lines are matched for the sport.
_WORKOUT_TYPE = re.compile(r"^[ \t]*workout[ \t]*type[ \t]*:.*$", re.IGNORECASE | re.MULTILINE)


def _pattern(word: str) -> str:
    """A keyword as a regex: ``re:`` entries verbatim, plain words on word boundaries."""
    if word.startswith("re:"):
        return word[3:]
    word = word.strip()
    head = r"(?<!\w)" if word[:1].isalnum() else ""
    tail = r"(?!\w)" if word[-1:].isalnum() else ""
    return head + re.escape(word) + tail


@lru_cache(maxsize=512)
def _compiled(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for a whole word list (compiled once: imports classify every occurrence)."""
    kept = [w for w in words if w.strip()]
    for word in kept:
        if not word.startswith("re:"):
            continue  # a plain word is escaped: always a valid pattern
        try:
            re.compile(_pattern(word))
        except re.error as exc:  # an athlete's own "re:" keyword
            raise InputError(f"keyword {word!r} is not a valid regular expression: {exc}") from None
    either = "|".join(f"(?:{_pattern(w)})" for w in kept)
    return re.compile(either, re.IGNORECASE) if kept else None


def _matches(words: list[str], text: str) -> bool:
    pattern = _compiled(tuple(words))
    return pattern is not None and pattern.search(text) is not None


def _kind(text: str, rules: Classify, extra: dict[RunKind, list[str]]) -> RunKind | None:
    for lists in (extra, rules.kinds):
        for kind in rules.order:
            if _matches(lists.get(kind, []), text):
                return kind
    return None


Kind = RunKind | Literal["other", "strength"] | None


def classify(
    title: str,
    description: str,
    rules: Classify,
    extra: dict[RunKind, list[str]] | None = None,
) -> Kind:
    """Classify a calendar event.

    Returns the run kind for a run, ``"strength"`` for the athlete's own strength session,
    ``"other"`` for another sport in a training feed (neither a run nor busy), and ``None`` for
    anything else (busy time). ``extra`` are the athlete's own kind keywords; they count as run
    words and win over the bundled ones.
    """
    extra = extra or {}
    title = one_line(title)  # "Long\x85run" is "Long run", as the plan will show it
    workout_type = "\n".join(_WORKOUT_TYPE.findall(description))
    if _matches(rules.strength_types, title) or _matches(rules.strength_types, workout_type):
        return "strength"
    if _matches(rules.other_sport_words, title) or _matches(
        rules.other_sport_words, workout_type
    ):
        return "other"
    kind = _kind(title, rules, extra)
    if kind:
        return kind
    if _matches(rules.run_words, title) or _matches(rules.run_words, workout_type):
        return run_kind(title, description, rules, extra)
    if _matches(rules.strength_words, title):
        return "strength"
    return None


def own_core(title: str, rules: Classify) -> bool:
    """Whether the athlete's own strength session holds core work, by its title."""
    return _matches(rules.own_core, one_line(title))


def own_leg_load(title: str, rules: Classify) -> LegLoad:
    """The leg load of the athlete's own strength session, read from its title (models/
    classify.toml [own_leg_load]); moderate when the title does not say."""
    title = one_line(title)
    for load in (LegLoad.LIGHT, LegLoad.HEAVY, LegLoad.NONE):
        if _matches(rules.own_leg_load.get(load, []), title):
            return load
    return LegLoad.MODERATE


def run_kind(
    title: str,
    description: str,
    rules: Classify,
    extra: dict[RunKind, list[str]] | None = None,
) -> RunKind:
    """The kind of an event already known to be a run: named by the title, else by the
    description, else easy."""
    extra = extra or {}
    title = one_line(title)
    return _kind(title, rules, extra) or _kind(description, rules, extra) or RunKind.EASY
