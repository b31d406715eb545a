"""Event classification: run kinds, other sports and busy time from titles and descriptions."""

from __future__ import annotations

import re

import pytest

from runstrength.domain import LegLoad, RunKind
from runstrength.errors import InputError
from runstrength.importers.classify import classify, own_leg_load, run_kind


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Run: Long Run", RunKind.LONG),
        ("Long run 28 km", RunKind.LONG),
        ("Langer Lauf", RunKind.LONG),
        ("6x800m", RunKind.INTERVALS),
        ("8 x 400 m", RunKind.INTERVALS),
        ("5x1 km @ 10K pace", RunKind.INTERVALS),
        ("VO2max", RunKind.INTERVALS),
        ("Track", RunKind.INTERVALS),
        ("Fartlek", RunKind.INTERVALS),
        ("Laufen: Intervalle 8x400m", RunKind.INTERVALS),
        ("Race pace 5x1 km", RunKind.INTERVALS),
        ("Threshold 3x10 min", RunKind.TEMPO),
        ("Tempo", RunKind.TEMPO),
        ("Tempo 5 km", RunKind.TEMPO),
        ("Cruise intervals", RunKind.TEMPO),
        ("4x8 min", RunKind.TEMPO),
        ("Parkrun", RunKind.TEMPO),
        ("Hill repeats", RunKind.HILLS),
        ("Hill repeats 8x60s", RunKind.HILLS),
        ("RACE: City Half", RunKind.RACE),
        ("City Marathon", RunKind.RACE),
        ("Race: Spring 10K", RunKind.RACE),
        ("Recovery jog", RunKind.RECOVERY),
        ("Shakeout", RunKind.RECOVERY),
        ("Race week shakeout", RunKind.RECOVERY),
        ("Dauerlauf", RunKind.EASY),
        ("Easy run + strides", RunKind.EASY),
        ("Morning run", RunKind.EASY),
        ("Easy 6 km after parkrun", RunKind.EASY),
        ("Run", RunKind.EASY),
    ],
)
def test_run_titles(k, title, kind):
    """Real export titles get the run kind a coach would give them."""
    assert classify(title, "", k.classify) == kind


@pytest.mark.parametrize(
    "title",
    ["Bike: Sweet spot 3x12 min", "Swim: CSS set", "Brick: 40k bike + 5k run",
     "Rowing", "XC Ski", "Day Off", "Zwift group ride"],
)
def test_other_sports(k, title):
    """Other sports of a training feed are neither runs nor busy time."""
    assert classify(title, "", k.classify) == "other"


@pytest.mark.parametrize(
    ("title", "description", "load"),
    [
        ("Gym - legs", "", LegLoad.HEAVY),
        ("Strength", "", LegLoad.MODERATE),
        ("Strength: Core", "", LegLoad.NONE),
        ("Gym: upper body", "", LegLoad.NONE),
        ("Light legs + mobility (gym)", "", LegLoad.LIGHT),
        ("Leg day", "Workout type: Strength", LegLoad.HEAVY),
        ("Krafttraining Beine", "", LegLoad.HEAVY),
    ],
)
def test_own_strength_sessions(k, title, description, load):
    """The athlete's own gym work is strength, with its leg load from the title (moderate when
    the title does not say)."""
    assert classify(title, description, k.classify) == "strength"
    assert own_leg_load(title, k.classify) is load


@pytest.mark.parametrize("title", ["Easy run + strength", "Kids gym class", "Tempo run to the gym"])
def test_strength_words_do_not_take_runs_or_the_childrens_class(k, title):
    """A run that mentions strength stays a run; the children's gym class is busy time."""
    assert classify(title, "", k.classify) != "strength"


@pytest.mark.parametrize(
    "title", ["Work", "Kids swim practice", "Team meeting", "Dentist", "Bike to the dentist", ""]
)
def test_busy_titles(k, title):
    """Anything that is not training is busy time (None)."""
    assert classify(title, "", k.classify) is None


def test_workout_type_line_decides_the_sport(k):
    """A TrainingPeaks 'Workout type:' description line makes an untitled event a run or not."""
    assert classify("Morning session", "Workout type: Run\nPlanned Time: 1:00:00",
                    k.classify) == RunKind.EASY
    assert classify("Morning session", "Workout type: Bike", k.classify) == "other"
    assert classify("Tempo", "Workout type: Bike\nTempo intervals", k.classify) == "other"


def test_description_prose_is_not_a_run(k):
    """Free-text descriptions do not turn a meeting into a run."""
    assert classify("Planning", "We will run through the budget, no race to finish",
                    k.classify) is None


def test_description_gives_the_kind_of_a_plain_run(k):
    """A title that only says 'run' takes its kind from the description."""
    assert classify("Run", "6x800m at 5K pace", k.classify) == RunKind.INTERVALS
    assert run_kind("Spreeufer 10K", "A RACE. Start easy.", k.classify) == RunKind.RACE


def test_athlete_keywords_win(k):
    """The athlete's own keywords make a run and win over the bundled lists."""
    extra = {RunKind.LONG: ["sunday special"], RunKind.RECOVERY: ["re:^tempo light"]}
    assert classify("Sunday special", "", k.classify, extra) == RunKind.LONG
    assert classify("Tempo light", "", k.classify, extra) == RunKind.RECOVERY
    assert classify("Tempo light", "", k.classify) == RunKind.TEMPO


def test_bad_athlete_regex_is_input_error(k):
    """A broken "re:" keyword in a profile is a clear InputError, not a traceback."""
    with pytest.raises(InputError, match=r"keyword 're:\(' is not a valid regular expression"):
        classify("Anything", "", k.classify, {RunKind.LONG: ["re:("]})


def test_word_lists_are_complete_and_valid(k):
    """Every run kind has keywords and a place in the order, and every regex compiles."""
    rules = k.classify
    assert sorted(rules.order) == sorted(RunKind)
    assert all(rules.kinds.get(kind) for kind in RunKind)
    words = [*rules.run_words, *rules.other_sport_words, *rules.strength_types,
             *rules.strength_words, *(w for ws in rules.kinds.values() for w in ws),
             *(w for ws in rules.own_leg_load.values() for w in ws)]
    for word in words:
        if word.startswith("re:"):
            re.compile(word[3:])
