"""What the adapters get from welcome calls: an occurrence as its event shows it, an invitation,
and what each step did."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.services.welcome_calls._rules import Band, Reminder
from db.enums import CallAnswer


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One occurrence, as its Discord event (or a line in a list) shows it."""

    occurrence_id: int
    call_id: int
    guild_id: int
    host_user_id: int
    band: Band
    starts_at: datetime
    ends_at: datetime
    channel_id: int | None  # a voice call
    location: str | None  # an external call
    size: int
    event_id: int | None


@dataclass(frozen=True, slots=True)
class Invite:
    """An invitation (or a reminder) to one member for one occurrence."""

    invite_id: int
    user_id: int
    call: CallEvent
    reminder: Reminder | None = None


@dataclass(frozen=True, slots=True)
class Hosted:
    call: CallEvent
    weekday: int
    local_minute: int
    timezone: str


class AnswerNote(enum.StrEnum):
    """Why an answer was taken differently from how it was pressed."""

    SWITCHED = "switched"  # yes to this call: their invitation to another one is withdrawn
    FULL = "full"  # yes after a no, but their seat went to someone else meanwhile
    NOT_THEIR_ZONE = "not_their_zone"  # they moved: the call's time is not for where they live now


@dataclass(frozen=True, slots=True)
class Answered:
    ok: bool  # False: not theirs, the call is off, or (see `note`) it is no longer for them
    mine: bool
    answer: CallAnswer | None
    note: AnswerNote | None = None


@dataclass(frozen=True, slots=True)
class AttendanceAsk:
    """An external call is over: the host picks who came among those invited."""

    call: CallEvent
    invitees: tuple[tuple[int, bool], ...]  # (user id, said interested), interested first


@dataclass(frozen=True, slots=True)
class Closed:
    """An occurrence counted: who came (asked one question each), and the next one scheduled."""

    call: CallEvent
    attendees: tuple[Invite, ...]
    next_call: CallEvent | None


@dataclass(frozen=True, slots=True)
class Ended:
    """An occurrence whose end came: closed now (voice), or waiting for the host's list (external)."""

    call: CallEvent
    closed: Closed | None
    ask_host: AttendanceAsk | None
    just_ended: bool = True  # False: ended earlier (its event completed then); closed now by the wait


@dataclass(frozen=True, slots=True)
class Cancelled:
    call: CallEvent  # the occurrence called off
    tell_user_ids: tuple[int, ...]  # the invited who had not said no
    next_call: CallEvent | None  # None: ended for good
    for_good: bool
    # Of those told, each one's next call: invited to it first (this call's next one, or the
    # soonest other call of their band with room), or the one they were invited to already.
    # Not here: no call has room for them now (they hear when one does, as anyone waiting).
    invited_to: tuple[tuple[int, CallEvent], ...] = ()

    def next_for(self, user_id: int) -> CallEvent | None:
        return next((call for user, call in self.invited_to if user == user_id), None)


@dataclass(frozen=True, slots=True)
class Listed:
    call: CallEvent
    weekday: int
    local_minute: int
    timezone: str
    invited: int
    interested: int


@dataclass(frozen=True, slots=True)
class CallsPlan:
    """What /mod attention shows of welcome calls."""

    scheduled: int  # upcoming occurrences
    invited: int
    interested: int
    band: Band | None  # the band where one more weekly call would reach the most still left out
    would_reach: int
