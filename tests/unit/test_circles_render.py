"""How local life is written out: what the texts show of each member, and Discord's limits."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services import activity, circles, neighbours, practice
from cogs.local._render import (
    ask_text,
    channel_name,
    circle_review,
    fit,
    log_view,
    neighbour_introduction,
    practice_introduction,
)
from db.enums import ActivityKind

AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_an_ask_names_the_area_only_as_shared_and_never_the_asker() -> None:
    shared = neighbours.Ask(1, 9, 5001, "England, United Kingdom", ("discussion_group",), 40.0)
    text = ask_text(shared)
    assert "England, United Kingdom" in text and "discussion" in text and "40 km" in text
    private = ask_text(neighbours.Ask(1, 9, 5001, None, (), 40.0))
    assert "they keep their town private" in private and "<@" not in private


def test_an_introduction_shows_what_each_shared_and_escapes_it() -> None:
    intro = neighbours.Introduction(
        1,
        9,
        neighbours.Person(1, "Leeds, United Kingdom", ("community_life",)),
        neighbours.Person(2, None, ("community_life", "discussion_group")),
        ("community_life",),
        None,
    )
    text = neighbour_introduction(intro)
    assert "**<@1>:** Leeds, United Kingdom" in text
    assert "**<@2>:** lives nearby" in text  # no place for a member who shares nothing
    assert "go together to a local event" in text


def test_a_circle_channel_name_is_lower_case_with_hyphens() -> None:
    assert channel_name("Saint-Étienne circle") == "saint-étienne-circle"
    assert channel_name("Local circle 7") == "local-circle-7"
    assert channel_name("***") == "local-circle"


def test_a_review_embed_stays_within_discords_limits() -> None:
    proposal = circles.Proposal(1, 9, "X" * 100, tuple(range(1000, 1400)), None, 50.0, None)
    embed = circle_review(proposal)
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096


def test_fit_keeps_whole_lines_within_one_message() -> None:
    lines = [f"line {i} " + "x" * 100 for i in range(40)]
    text = fit(lines)
    assert len(text) <= 2000 and text.endswith("more.") and "line 0" in text
    assert fit(["short"]) == "short"


def test_a_long_log_fits_in_one_message_and_a_moderator_sees_counts_only() -> None:
    entries = tuple(activity.Entry(ActivityKind.OTHER, "n" * 500, AT) for _ in range(20))
    full = log_view(activity.LogView(5, entries, {ActivityKind.OTHER: 20}))
    assert len(full) <= 2000 and "Something else 20" in full
    counts = log_view(activity.LogView(5, None, {ActivityKind.OTHER: 2}))
    assert "counts only" in counts and "nnn" not in counts


def test_the_practice_text_shows_a_zone_only_for_members_who_share_it() -> None:
    match = practice.Match(
        1,
        9,
        AT,
        (
            practice.Partner(1, "run_for_office", "Europe/London", AT),
            practice.Partner(2, "remote", None, None),
        ),
        None,
    )
    text = practice_introduction(match)
    assert "<t:" in text and text.count("British Time (London)") == 1
    assert "2-minute case for your candidacy" in text and "why the organization matters" in text
