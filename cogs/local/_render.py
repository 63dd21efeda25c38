"""What local life looks like in Discord: the texts of asks, introductions, circles, practice and logs.

Every place name comes from a service that already applied the member's sharing choice;
it is still escaped here like any member text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.services import activity, circles, neighbours, paging, practice
from bot.services.time_zones import zone_name
from bot.texts import local as texts
from bot.texts import onboarding as onboarding_texts
from cogs._introductions import suggested_times_text, when
from cogs._pager import pages_of
from cogs._text import member_text, mention
from db.enums import ActivityKind, OrganizingPath

MAX_LISTED = 25
MESSAGE_LIMIT = 2000
LISTED_NOTE = 120


def fit(lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> str:
    """As many whole lines as fit in one message, and how many more there were."""
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        more = texts.AND_MORE.format(count=len(lines) - index)
        if size + len(line) + 1 + len(more) > limit:
            return "\n".join([*kept, more])
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def path_list(paths: Sequence[str]) -> str:
    return ", ".join(onboarding_texts.PATH_LABELS[OrganizingPath(p)].lower() for p in paths)


def circle_name(name: str) -> str:
    """A circle's name as shown (built from place names, escaped like any other text)."""
    return member_text(name, limit=100)


def area(value: str | None) -> str:
    return member_text(value, limit=100) if value else texts.AREA_PRIVATE


def ask_text(ask: neighbours.Ask) -> str:
    return texts.ASK_NEIGHBOUR.format(
        radius=ask.radius_km,
        area=member_text(ask.asker_area, limit=100) if ask.asker_area else texts.ASK_AREA_UNSHARED,
        paths=texts.ASK_PATHS.format(paths=path_list(ask.asker_paths)) if ask.asker_paths else "",
    )


def _first_step(paths: Sequence[str], steps: dict[OrganizingPath, str], default: str) -> str:
    return next((steps[OrganizingPath(p)] for p in paths if OrganizingPath(p) in steps), default)


def neighbour_introduction(intro: neighbours.Introduction) -> str:
    about = "\n".join(
        texts.ABOUT_NEIGHBOUR.format(
            who=mention(side.user_id),
            details="; ".join(filter(None, (area(side.area), path_list(side.paths)))),
        )
        for side in (intro.requester, intro.neighbour)
    )
    return texts.NEIGHBOUR_INTRODUCTION.format(
        first=mention(intro.requester.user_id),
        second=mention(intro.neighbour.user_id),
        about=about,
        first_step=_first_step(intro.shared_paths, texts.NEIGHBOUR_FIRST_STEPS, texts.NEIGHBOUR_DEFAULT_STEP),
        times=suggested_times_text(intro.suggested_times),
    )


def circle_review(proposal: circles.Proposal) -> discord.Embed:
    organizer = (
        texts.CIRCLE_ORGANIZER.format(
            who=mention(proposal.organizer.user_id), distance=proposal.organizer.distance_km
        )
        if proposal.organizer
        else texts.CIRCLE_NO_ORGANIZER
    )
    body = texts.CIRCLE_REVIEW_BODY.format(
        count=len(proposal.member_user_ids),
        radius=proposal.radius_km,
        members=", ".join(mention(u) for u in proposal.member_user_ids[:MAX_LISTED]),
        organizer=organizer,
    )
    title = texts.CIRCLE_REVIEW_TITLE.format(name=circle_name(proposal.name))
    return discord.Embed(title=title[:256], description=body, colour=discord.Colour.green())


def circle_starter(decision: circles.Decision) -> str:
    organizer = (
        texts.CIRCLE_STARTER_ORGANIZER.format(who=mention(decision.organizer_user_id))
        if decision.organizer_user_id and decision.organizer_user_id not in decision.member_user_ids
        else ""
    )
    return texts.CIRCLE_STARTER.format(
        name=circle_name(decision.space.name),
        members=", ".join(mention(u) for u in decision.member_user_ids[:MAX_LISTED]),
        organizer=organizer,
        paths=texts.CIRCLE_STARTER_PATHS.format(paths=path_list(decision.paths)) if decision.paths else "",
        first_step=_first_step(decision.paths, texts.NEIGHBOUR_FIRST_STEPS, texts.CIRCLE_FIRST_STEP),
    )


def channel_name(name: str) -> str:
    """A text channel's name: lower case, words joined by hyphens (as Discord shows them)."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    return "-".join(words)[:100] or "local-circle"


def _clock(moment: datetime) -> str:
    return moment.strftime("%a %d %b, %H:%M")


def practice_introduction(match: practice.Match) -> str:
    first, second = match.sides
    local = [
        texts.PRACTICE_LOCAL_LINE.format(
            who=mention(side.user_id), time=_clock(side.local_start), zone=zone_name(side.timezone)
        )
        for side in match.sides
        if side.local_start is not None and side.timezone is not None
    ]
    scripts = "\n".join(
        texts.PRACTICE_SCRIPT_LINE.format(
            who=mention(side.user_id), script=texts.PRACTICE_SCRIPTS[OrganizingPath(side.path)]
        )
        for side in match.sides
    )
    return texts.PRACTICE_INTRODUCTION.format(
        first=mention(first.user_id),
        second=mention(second.user_id),
        when=when(match.suggested_at),
        or_else=texts.PRACTICE_SECOND.format(when=when(match.second_at)) if match.second_at else "",
        local=texts.PRACTICE_LOCAL.format(lines="\n".join(local)) if local else "",
        scripts=scripts,
    )


def _note(note: str | None, limit: int = 300) -> str:
    return texts.LOG_NOTE.format(note=member_text(note, limit=limit)) if note else ""


def shared_entry(logged: activity.Logged) -> str:
    return texts.LOG_SHARED_POST.format(
        who=mention(logged.user_id), kind=texts.ACTIVITY_LABELS[logged.kind], note=_note(logged.note)
    )


def _counts(counts: dict[ActivityKind, int]) -> str:
    return ", ".join(f"{texts.ACTIVITY_LABELS[k]} {n}" for k, n in sorted(counts.items())) or "0"


def log_pages(view: activity.LogView) -> paging.Pages:
    """A member's log as pages of whole entries under its title and counts (the shared pager)."""
    who = mention(view.user_id)
    if view.entries is None:
        counts_only = "\n".join(
            (texts.LOG_COUNTS_ONLY.format(who=who), texts.LOG_COUNTS.format(counts=_counts(view.counts)))
        )
        return paging.Pages((counts_only,), ((counts_only,),))
    entries = [
        texts.LOG_LINE.format(
            when=discord.utils.format_dt(e.at, "d"),
            kind=texts.ACTIVITY_LABELS[e.kind],
            note=_note(e.note, LISTED_NOTE),
        )
        for e in view.entries
    ]
    title = f"**{texts.LOG_TITLE.format(who=who)}**"
    header = "\n".join((title, texts.LOG_COUNTS.format(counts=_counts(view.counts))))
    return pages_of(entries, header=header, empty=texts.LOG_EMPTY)


def log_view(view: activity.LogView) -> str:
    """A member's log, its first page."""
    return log_pages(view).texts[0]
