"""What the check-in services hand to the adapter: plain dataclasses, no database rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from bot.errors import GroundworkError
from db.enums import CheckInKind, CheckInStatus, OrganizingPath, ReadinessDimension

DIMENSIONS: tuple[ReadinessDimension, ...] = tuple(ReadinessDimension)
OPEN_STATUSES = (CheckInStatus.SENDING, CheckInStatus.SENT)


class CheckInClosedError(GroundworkError):
    """The check-in was answered, skipped, missed or cancelled; its controls no longer work."""

    def __init__(self, user_message: str, status: CheckInStatus) -> None:
        super().__init__(user_message)
        self.status = status


@dataclass(frozen=True, slots=True)
class DueCheckIn:
    """A claimed check-in, ready to be sent to its member."""

    checkin_id: int
    member_id: int
    guild_id: int
    user_id: int
    kind: CheckInKind
    due_at: datetime
    dm_channel_id: int | None  # the member's DM channel, when an earlier check-in went there
    previous: dict[str, int]  # the last answered scores, shown as "last time"
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class Reminder:
    """The one reminder of a check-in still unanswered, before it counts as missed."""

    checkin_id: int
    member_id: int
    guild_id: int
    user_id: int
    sent_at: datetime  # when the check-in itself was sent
    closes_at: datetime  # when it counts as missed: the next check-in falls due
    channel_id: int | None  # where the check-in's message is (the member's DM)
    message_id: int | None
    started: bool  # they have rated something already


class DeliveryStatus(enum.StrEnum):
    """How sending one check-in ended."""

    SENT = "sent"
    CLOSED = "closed"  # DMs closed (50007) or no mutual guild (50278): stop DMing this member
    RETRY = "retry"  # transient (5xx, opening DMs too fast): try again later
    FAILED = "failed"  # permanent for this one (unknown user): cancel it, keep the schedule
    UNKNOWN = "unknown"  # may or may not have been sent (timeout): verified later from the DM history


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the messenger reports for one check-in."""

    status: DeliveryStatus
    channel_id: int | None = None
    message_id: int | None = None
    slow_down: bool = False  # Discord said we open DMs too fast
    detail: str | None = None


class AlertKind(enum.StrEnum):
    DROP = "drop"
    MISSED = "missed"
    DMS_CLOSED = "dms_closed"


@dataclass(frozen=True, slots=True)
class Drop:
    """A dimension that fell by two points or more since the last check-in."""

    dimension: ReadinessDimension
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Alert:
    """Something a mentor (or, without one, the moderators) should know about a member."""

    kind: AlertKind
    guild_id: int
    member_user_id: int
    mentor_user_id: int | None
    alerts_channel_id: int | None
    drops: tuple[Drop, ...] = ()
    missed: int = 0
    organizer: bool = False  # the member offered to mentor or is an organizer: never "no mentor yet"


class StepLevel(enum.StrEnum):
    """How far along a dimension is, for the kind of step it needs."""

    START = "start"  # 1-2: a first, small step
    BUILD = "build"  # 3: a regular habit
    STRETCH = "stretch"  # 4-5: something that reaches others


def step_level(score: int) -> StepLevel:
    if score <= 2:
        return StepLevel.START
    return StepLevel.BUILD if score == 3 else StepLevel.STRETCH


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The one next step the reply offers: for the weakest dimension of the member's path."""

    dimension: ReadinessDimension
    path: OrganizingPath | None
    score: int
    needed: int
    remote_offer: bool  # time is short: offer a remote way to help instead of pushing
    ready: bool  # every dimension meets what the path needs
    # How many times the same dimension was suggested at the same level in the member's recent
    # check-ins before this one: the next of its steps is offered, never last time's again.
    variant: int = 0

    @property
    def level(self) -> StepLevel:
        return step_level(self.score)


@dataclass(frozen=True, slots=True)
class CheckInState:
    """A check-in as its message shows it."""

    checkin_id: int
    member_id: int
    guild_id: int
    user_id: int
    kind: CheckInKind
    status: CheckInStatus
    scores: dict[str, int]
    previous: dict[str, int]
    note: str | None

    @property
    def missing(self) -> list[ReadinessDimension]:
        return [d for d in DIMENSIONS if d not in self.scores]


@dataclass(frozen=True, slots=True)
class CompletedCheckIn:
    """An answered check-in and everything it triggers."""

    state: CheckInState
    suggestion: Suggestion
    paths: tuple[OrganizingPath, ...]
    drops: tuple[Drop, ...]
    mentor_user_id: int | None
    next_due: datetime | None
    alerts: tuple[Alert, ...] = ()
    # What the member logged with /log since their last check-in (by kind of activity).
    logged_since_last: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A member's check-in settings and their next check-in, for the replies of /checkin."""

    cadence_days: int
    local_hour: int
    timezone: str
    paused: bool
    paused_until: datetime | None
    dms_closed: bool
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    at: datetime
    scores: dict[str, int]


@dataclass(frozen=True, slots=True)
class Trend:
    """A member's answered check-ins, oldest first, and how the rest went."""

    user_id: int
    own: bool  # the viewer looks at their own trend
    points: list[TrendPoint]
    missed: int
    skipped: int
    next_due: datetime | None
    paused: bool
    # When the check-ins that were skipped or missed fell due, within the span of `points`:
    # the chart breaks its lines there instead of joining across them.
    gaps: list[datetime] = field(default_factory=list)


@dataclass
class DispatchReport:
    """What one dispatcher run did."""

    claimed: int = 0
    sent: int = 0
    closed: int = 0
    retried: int = 0
    failed: int = 0
    unknown: int = 0
    recovered: int = 0  # stale claims found already sent in the DM history
    lookups_failed: int = 0  # stale claims whose DM history could not be read: looked up again later
    given_up: int = 0  # ...and, after MAX_LOOKUPS failed reads, given up as not sent
    rescheduled: int = 0  # overdue beyond the grace or in quiet hours: moved to the next slot
    cancelled: int = 0
    alerts: int = 0
    reminded: int = 0  # reminders of check-ins still unanswered, sent
    sent_ids: list[int] = field(default_factory=list, repr=False)
