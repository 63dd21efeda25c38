"""Buddies' values: how long things last, and what the services hand the adapters."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.enums import (
    BuddyStatus,
    Experience,
)

OFFER_LASTS = timedelta(days=3)
REOFFER_AFTER = timedelta(days=7)  # after a "no" (or no answer), before the next offer
MAX_REST = timedelta(weeks=8)  # the longest rest after offers let run out (see `rest_after`)
FOLLOWUP_AFTER = timedelta(days=7)
FIRST_TIME_AFTER = timedelta(hours=12)
SECOND_TIME_AFTER = timedelta(days=2)  # the second suggestion, on another day
OPEN_GROUP = (BuddyStatus.OFFERED, BuddyStatus.INTRODUCED)
MAX_GROUP = 3


class Icebreaker(enum.StrEnum):
    """What the first question of an introduction is drawn from."""

    SHARED_PATH = "shared_path"  # they picked the same path
    EXPERIENCE = "experience"  # one has organized before, another is new to it
    PATHS = "paths"  # each picked something different


@dataclass(frozen=True, slots=True)
class Buddy:
    """One buddy as the others may see them (place and time zone only as they agreed to share)."""

    user_id: int
    area: str | None
    timezone: str | None
    paths: tuple[str, ...]
    experience: Experience | None


@dataclass(frozen=True, slots=True)
class Offer:
    """ "Someone in the same position: want to be introduced?" to one member; the others unnamed."""

    buddy_id: int  # the member's row in the group (the buttons carry it)
    guild_id: int
    user_id: int
    others: tuple[Buddy, ...]  # user ids kept for the adapter, never shown before every yes


@dataclass(frozen=True, slots=True)
class Introduction:
    group_id: int
    guild_id: int
    buddies: tuple[Buddy, ...]
    shared_paths: tuple[str, ...]
    shared_languages: tuple[str, ...]
    icebreaker: Icebreaker
    experienced_user_id: int | None  # for Icebreaker.EXPERIENCE
    suggested_times: tuple[datetime, datetime]  # UTC
    introductions_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Answered:
    group_id: int
    status: BuddyStatus
    introduce: bool  # everyone said yes: run the introduction now


@dataclass(frozen=True, slots=True)
class FollowUp:
    """ "Did you talk?" to one buddy."""

    buddy_id: int
    guild_id: int
    user_id: int
    other_user_ids: tuple[int, ...]
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class FollowedUp:
    ended: bool
    tell_user_ids: tuple[int, ...]  # the others, when it ended


@dataclass(frozen=True, slots=True)
class Mine:
    """What /buddy shows."""

    status: BuddyStatus | None  # None: no buddy now
    other_user_ids: tuple[int, ...]
    thread_id: int | None
    opted_out: bool
