"""The one next step: the weakest dimension for the member's path, and never pushing the time-poor."""

from __future__ import annotations

from bot.services.checkins import DIMENSIONS, NEEDS, StepLevel, Suggestion, member_paths, suggest
from bot.texts import checkins as texts
from cogs.checkins._render import step_text
from db.enums import OrganizingPath, ReadinessDimension

D = ReadinessDimension
P = OrganizingPath


def scores(default: int = 4, **overrides: int) -> dict[str, int]:
    return {dimension.value: overrides.get(dimension.value, default) for dimension in DIMENSIONS}


def test_every_path_needs_every_dimension_and_office_needs_the_most() -> None:
    for path in P:
        assert set(NEEDS[path]) == set(DIMENSIONS)
        assert all(1 <= need <= 5 for need in NEEDS[path].values())
    office = NEEDS[P.RUN_FOR_OFFICE]
    assert all(office[d] >= NEEDS[P.DISCUSSION_GROUP][d] for d in DIMENSIONS)


def test_the_weakest_dimension_is_the_one_furthest_below_what_the_path_needs() -> None:
    # Local awareness 3 is a bigger gap for running for office (needs 5) than informedness 3 (needs 4).
    chosen = suggest(scores(4, local_awareness=3, political_informedness=3), [P.RUN_FOR_OFFICE])
    assert (chosen.dimension, chosen.path, chosen.needed) == (D.LOCAL_AWARENESS, P.RUN_FOR_OFFICE, 5)
    assert not chosen.remote_offer and not chosen.ready
    # For a discussion group the same answers point at being informed instead.
    chosen = suggest(scores(4, local_awareness=3, political_informedness=3), [P.DISCUSSION_GROUP])
    assert chosen.dimension == D.POLITICAL_INFORMEDNESS


def test_with_several_paths_the_biggest_gap_wins_and_the_first_chosen_path_breaks_ties() -> None:
    chosen = suggest(scores(3), [P.COMMUNITY_LIFE, P.COALITIONS])
    assert chosen.path == P.COALITIONS and chosen.dimension == D.SPEAKING_CONFIDENCE
    tie = suggest(scores(3, articulation=2), [P.DISCUSSION_GROUP, P.COALITIONS])
    assert (tie.path, tie.dimension) == (P.DISCUSSION_GROUP, D.ARTICULATION)


def test_short_time_is_offered_remote_work_instead_of_a_push() -> None:
    chosen = suggest(scores(1, time=2), [P.RUN_FOR_OFFICE])
    assert chosen.remote_offer and chosen.dimension == D.TIME
    # Someone who already contributes remotely just gets a small step.
    remote = suggest(scores(3, time=1), [P.REMOTE])
    assert not remote.remote_offer


def test_ready_on_everything_still_gets_a_step_for_the_lowest() -> None:
    chosen = suggest(scores(5, resources=4), [P.COMMUNITY_LIFE])
    assert chosen.ready and chosen.dimension == D.RESOURCES


def test_without_a_path_the_gentlest_one_is_assumed() -> None:
    assert suggest(scores(1, time=3), []).path == P.COMMUNITY_LIFE
    assert member_paths(["remote", "nonsense", "run_for_office"]) == (P.REMOTE, P.RUN_FOR_OFFICE)


def test_every_dimension_has_concrete_steps_in_plain_words_for_each_level() -> None:
    for dimension in DIMENSIONS:
        assert set(texts.STEPS[dimension]) == {level.value for level in StepLevel}
        for steps in texts.STEPS[dimension].values():
            assert len(steps) >= 2 and len(set(steps)) == len(steps)
            assert all(40 < len(step) < 300 for step in steps)
        assert dimension in texts.QUESTIONS and dimension in texts.NAMES
    assert "three people" in texts.STEPS[D.LOCAL_AWARENESS]["start"][0]
    assert "mentor" in texts.STEPS[D.SPEAKING_CONFIDENCE]["start"][0]


def _suggested(score: int, variant: int, path: P | None = None) -> str:
    return step_text(
        Suggestion(D.SPEAKING_CONFIDENCE, path, score, 5, remote_offer=False, ready=False, variant=variant)
    )


def test_the_step_follows_the_score_and_is_new_each_time() -> None:
    assert "Practise" in _suggested(2, 0) and "Practise" not in _suggested(4, 0)  # 4 of 5: no drill
    assert _suggested(2, 0) != _suggested(2, 1)  # the same dimension again: another step
    assert _suggested(2, 0) == _suggested(2, 2)  # ...and round again after all of them
    assert _suggested(2, 0, P.RUN_FOR_OFFICE) == texts.PATH_STEPS[(P.RUN_FOR_OFFICE, D.SPEAKING_CONFIDENCE)]
    assert _suggested(4, 0, P.RUN_FOR_OFFICE) in texts.STEPS[D.SPEAKING_CONFIDENCE]["stretch"]
    for (path, dimension), step in texts.PATH_STEPS.items():
        assert path in NEEDS and dimension in DIMENSIONS and len(step) < 300
