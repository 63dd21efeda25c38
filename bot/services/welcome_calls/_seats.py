"""Who gets a call's seats first (`seat_order`), and which invitations keep one (`holds_seat`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_

from bot.services.welcome_calls._rules import ANSWER_WAIT, FIRST_MONTH, LONG_WAIT
from db.enums import CallAnswer, HumanContactKind
from db.models import WelcomeCallInvite

EXPERIENCED_CONTACTS = (HumanContactKind.MENTOR_INTRODUCTION, HumanContactKind.WELCOME_CALL)


@dataclass(frozen=True, slots=True)
class Seeker:
    """One member who could be invited, as `seat_order` weighs them."""

    member_id: int
    waiting_since: datetime
    onboarded_at: datetime | None
    met_anyone: bool
    met_organizer: bool  # a mentor, or a welcome call's host
    ignored: bool = False  # left their latest invitation unanswered


def is_fresh(seeker: Seeker, now: datetime, target: timedelta) -> bool:
    """A newcomer nobody has met yet, still within the guild's wait target."""
    return not seeker.met_anyone and seeker.onboarded_at is not None and seeker.onboarded_at > now - target


def deferred(seeker: Seeker, now: datetime) -> bool:
    """Past their first month (`FIRST_MONTH`) and not yet waiting `LONG_WAIT`: while seats are
    short, they go after those still in their first month."""
    return seeker.onboarded_at is not None and now - LONG_WAIT < seeker.onboarded_at <= now - FIRST_MONTH


def in_first_month(seeker: Seeker, now: datetime) -> bool:
    """Onboarded less than `FIRST_MONTH` ago: the month a newcomer is to meet an experienced
    organizer in (issue 17's target)."""
    return seeker.onboarded_at is not None and seeker.onboarded_at > now - FIRST_MONTH


def _urgency(seeker: Seeker, now: datetime) -> tuple[int, datetime]:
    """Where a member who is not a fresh newcomer stands in `seat_order`: of those who have met no
    experienced organizer, the ones in their first month, the nearest its end first; then those
    waiting `LONG_WAIT` already (or never onboarded), then the others (`deferred`), longest
    waiting first; then those who met one, longest waiting first."""
    if seeker.met_organizer:
        return 3, seeker.waiting_since
    if in_first_month(seeker, now) and seeker.onboarded_at is not None:
        return 0, seeker.onboarded_at
    return (2 if deferred(seeker, now) else 1), seeker.waiting_since


def seat_order(waiting: Sequence[Seeker], now: datetime, target: timedelta) -> list[int]:
    """Who gets a call's seats first: the newcomers nobody has met yet, newest first, while they
    are within the guild's wait target (so a newcomer is reached within days); then those who
    have not met an experienced organizer yet (no mentor, no call) before those who have. Of
    those who have not, the ones in their first month (`FIRST_MONTH`: meeting an organizer then
    is what keeps a newcomer) go first, the one whose month ends soonest first: a member a few
    days from the end of their month cannot wait for next week's call, one who came last week
    still can; then those waiting `LONG_WAIT` already, then the others (`deferred`), longest
    waiting first, so nobody waits for ever. Members who left their latest invitation unanswered
    come after everyone who did not (in the same order among themselves): a seat goes to someone
    who may answer first."""

    def fresh(seeker: Seeker) -> bool:
        return is_fresh(seeker, now, target) and not seeker.ignored

    first = sorted(
        (seeker for seeker in waiting if fresh(seeker)),
        key=lambda seeker: (seeker.onboarded_at, seeker.member_id),
        reverse=True,
    )
    rest = sorted(
        (seeker for seeker in waiting if not fresh(seeker)),
        key=lambda seeker: (seeker.ignored, *_urgency(seeker, now), seeker.member_id),
    )
    return [seeker.member_id for seeker in first + rest]


def holds_seat(now: datetime) -> ColumnElement[bool]:
    """An invitation that keeps its seat: interested, or sent (or still to send) less than
    `ANSWER_WAIT` ago and unanswered. A seat left unanswered longer is offered to the next one
    waiting; the invitation stands, and a yes to it is taken while there is room."""
    return or_(
        WelcomeCallInvite.answer == CallAnswer.INTERESTED,
        and_(
            WelcomeCallInvite.answer == CallAnswer.PENDING,
            or_(WelcomeCallInvite.invited_at.is_(None), WelcomeCallInvite.invited_at > now - ANSWER_WAIT),
        ),
    )


def _holds(answer: CallAnswer, invited_at: datetime | None, now: datetime) -> bool:
    """`holds_seat`, for one invitation's answer and when it was sent."""
    if answer == CallAnswer.INTERESTED:
        return True
    return answer == CallAnswer.PENDING and (invited_at is None or invited_at > now - ANSWER_WAIT)


def _keeps_seat(invite: WelcomeCallInvite, now: datetime) -> bool:
    """`holds_seat`, for one invitation in hand."""
    return _holds(invite.answer, invite.invited_at, now)
