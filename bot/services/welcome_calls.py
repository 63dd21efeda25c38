"""Welcome calls: group onboarding, one organizer hour for up to eight members (issue 17 item 3).

An organizer hosts a recurring call for a band of UTC offsets (`host`): a weekday and time in the
host's own zone, a voice channel or an external link, a size (at most the guild's
`welcome_call_size`, default 8). Each week is an occurrence with its Discord scheduled event.
Invited are the members still waiting for attention (waiting for a mentor, or nobody met yet)
whose time zone at the call's start lies in the band; never a member outside it, never one with
an open invitation to another call, never one who already came to this call, never one resting
after invitations they left unanswered (a week, doubling for each one in a row: `rest_after`).
Seats go first to the newcomers nobody has met yet, newest first, while they are within the
guild's wait target; then to the longest waiting, those who met no experienced organizer yet
first (of them, those in their first month or waiting two months already before the others);
those who left their latest invitation unanswered after everyone else (`seat_order`).
An invitation left unanswered for `ANSWER_WAIT` no longer keeps its seat (`holds_seat`): it is
offered to the next one waiting, and a late yes is taken while there is room. Until `OTHERS_FROM` before the start only such newcomers are invited, so a
newcomer who comes during the week still finds a seat (`invites_due` offers the free ones). Durable time is rows:
the ticks read what is due (`events_due`, `invites_due`, `reminders_due` at 24 h and 1 h,
`starts_due`, `ends_due`) and mark it claimed in the same unit of work, so a restart loses
nothing and sends nothing twice. Attendance is voice presence during the call (`voice_changed`,
one row per stay; at least `MIN_PRESENCE` counts), or for an external call the host's list
(`host_attendance`). Each attendee gets a human contact of kind welcome call, naming the host,
and one question afterwards; then the next occurrence is scheduled (a week later) and those still
waiting are invited again. Moderators see the calls and what one more would reach (`plan`).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import contacts, pairing
from bot.texts import welcome_calls as texts
from db.enums import (
    CallAnswer,
    CallFeedback,
    CallOccurrenceStatus,
    HumanContactKind,
    MemberStatus,
    OrganizerStatus,
    WelcomeCallStatus,
)
from db.models import (
    GuildSettings,
    HumanContact,
    Member,
    Organizer,
    WelcomeCall,
    WelcomeCallInvite,
    WelcomeCallOccurrence,
    WelcomeCallPresence,
)

EVERY = timedelta(weeks=1)
DURATION = timedelta(hours=1)
LEAD = timedelta(hours=2)  # the first call is at least this far ahead (an event must start in the future)
REMIND_DAY = timedelta(hours=24)
REMIND_HOUR = timedelta(hours=1)
EARLY = timedelta(minutes=15)  # presence in the channel this long before the start counts from the start
HOST_LIST_WAIT = timedelta(days=2)  # no list from the host by then: closed uncounted, the next one scheduled
MIN_PRESENCE = timedelta(minutes=10)  # in the channel at least this long during the call: they came
DEFAULT_SIZE = 8
OTHERS_FROM = timedelta(days=2)  # seats newcomers did not take go to everyone else from this long before
FIRST_MONTH = timedelta(days=30)  # a newcomer is to meet an experienced organizer within it (`seat_order`)
LONG_WAIT = timedelta(days=60)  # waiting this long, a member goes first again (`deferred`)
ANSWER_WAIT = timedelta(days=2)  # an invitation unanswered this long no longer keeps its seat (`holds_seat`)
MAX_REST = timedelta(weeks=8)  # the longest rest after invitations left unanswered (`rest_after`)
BAND_WIDTH = 180  # minutes: the band /mod attention suggests for one more call
_OPEN = (CallOccurrenceStatus.SCHEDULED, CallOccurrenceStatus.STARTED)


class BandError(GroundworkError):
    """A band, a time or a zone the host wrote that cannot be read."""


@dataclass(frozen=True, slots=True)
class Band:
    """UTC offsets in minutes, both ends included (UTC-8..-5 is -480..-300)."""

    low: int
    high: int

    def fits(self, offset_minutes: int) -> bool:
        return self.low <= offset_minutes <= self.high

    @property
    def label(self) -> str:
        return f"UTC{_offset(self.low)}..{_offset(self.high)}"


def _offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}" + (f":{rest:02d}" if rest else "")


_OFFSET = r"([+-]?\d{1,2})(?::(\d{2}))?"
_BAND = re.compile(rf"^\s*(?:utc|gmt)?\s*{_OFFSET}\s*(?:\.\.|to|–|—|/)\s*(?:utc|gmt)?\s*{_OFFSET}\s*$", re.I)


def _minutes(hours: str, minutes: str | None) -> int:
    value = abs(int(hours)) * 60 + int(minutes or 0)
    return -value if hours.startswith("-") else value


def parse_band(text: str) -> Band:
    """`UTC-8..-5`, `-3..0`, `+1..+3`, `UTC+5:30..+6`: a band of UTC offsets (ends in any order)."""
    found = _BAND.match(text)
    if found is None:
        raise BandError(texts.BAD_BAND)
    first, second = _minutes(found[1], found[2]), _minutes(found[3], found[4])
    low, high = min(first, second), max(first, second)
    if low < -12 * 60 or high > 14 * 60:
        raise BandError(texts.BAD_BAND)
    return Band(low, high)


def parse_time(text: str) -> int:
    """`18:30` (or `18.30`, `1830`, `18`): minutes after midnight."""
    found = re.match(r"^\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*$", text)
    if found is None or int(found[1]) > 23 or int(found[2] or 0) > 59:
        raise BandError(texts.BAD_TIME)
    return int(found[1]) * 60 + int(found[2] or 0)


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BandError(texts.BAD_ZONE) from None


def offset_minutes(timezone: str | None, at: datetime) -> int | None:
    """A zone's UTC offset at `at`, in minutes; None for no zone or an unknown one."""
    if not timezone:
        return None
    try:
        offset = at.astimezone(ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return int(offset.total_seconds() // 60) if offset is not None else None


def fits(band: Band, timezone: str | None, at: datetime) -> bool:
    """Whether a member living in `timezone` is in the band at the call's start (never without a zone)."""
    offset = offset_minutes(timezone, at)
    return offset is not None and band.fits(offset)


def next_start(weekday: int, local_minute: int, timezone: str, after: datetime) -> datetime:
    """The first `weekday` at `local_minute` in `timezone` strictly after `after` (UTC)."""
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    for days in range(8):
        day = (local + timedelta(days=days)).date()
        if day.weekday() != weekday:
            continue
        start = datetime.combine(day, time(local_minute // 60, local_minute % 60), zone)
        if start > after:
            return start.astimezone(after.tzinfo)
    raise AssertionError("a weekday comes within eight days")


class EventStatus(enum.StrEnum):
    """What the adapter sets a call's Discord event to."""

    ACTIVE = "active"  # the call started
    COMPLETED = "completed"  # the call ended
    CANCELLED = "cancelled"  # the host called it off


class Reminder(enum.StrEnum):
    DAY = "day"  # 24 h before
    HOUR = "hour"  # 1 h before


def reminder_due(starts_at: datetime, now: datetime, *, day_sent: bool, hour_sent: bool) -> Reminder | None:
    """Which reminder an interested member should get now: the hour's in the last hour before
    the start, the day's in the 24 h before that (not once the hour's is due); none after the start."""
    left = starts_at - now
    if left <= timedelta(0):
        return None
    if left <= REMIND_HOUR:
        return None if hour_sent else Reminder.HOUR
    if left <= REMIND_DAY:
        return None if day_sent else Reminder.DAY
    return None


def presence_in(
    stays: Iterable[tuple[datetime, datetime | None]], starts_at: datetime, ends_at: datetime
) -> timedelta:
    """How long the stays (joined, left or None: still there) overlap the call."""
    total = timedelta(0)
    for joined, left in stays:
        begin, end = max(joined, starts_at), min(left or ends_at, ends_at)
        if end > begin:
            total += end - begin
    return total


# -- what the adapter gets -------------------------------------------------------------


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


# -- reading ---------------------------------------------------------------------------


def _call_event(call: WelcomeCall, occurrence: WelcomeCallOccurrence, host_user_id: int) -> CallEvent:
    return CallEvent(
        occurrence_id=occurrence.id,
        call_id=call.id,
        guild_id=call.guild_id,
        host_user_id=host_user_id,
        band=Band(call.band_low_minutes, call.band_high_minutes),
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        channel_id=call.channel_id,
        location=call.location,
        size=call.size,
        event_id=occurrence.event_id,
    )


async def _event(session: AsyncSession, occurrence: WelcomeCallOccurrence) -> CallEvent:
    call = await session.get_one(WelcomeCall, occurrence.call_id)
    host = await session.get_one(Member, call.host_member_id)
    return _call_event(call, occurrence, host.user_id)


async def _member(session: AsyncSession, guild_id: int, user_id: int) -> Member | None:
    return (
        await session.execute(select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id))
    ).scalar_one_or_none()


async def guild_size(session: AsyncSession, guild_id: int) -> int:
    settings = await session.get(GuildSettings, guild_id)
    return settings.welcome_call_size if settings is not None else DEFAULT_SIZE


async def _is_host(session: AsyncSession, member: Member) -> bool:
    found = await session.execute(
        select(Organizer.id).where(
            Organizer.member_id == member.id,
            Organizer.status.in_((OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED)),
        )
    )
    return found.first() is not None


async def _still_waiting(
    session: AsyncSession, guild_id: int, *, zones: Sequence[str] | None = None
) -> list[Member]:
    """Active members who wait for attention: on the mentor list, or onboarded and met nobody
    yet; never an organizer. Longest waiting first. With `zones`, only members living in one of
    them (a call's band: read only those who could be invited)."""
    on_list = {
        member.id: member
        for member in await pairing.waiting_members(session=session, guild_id=guild_id, timezones=zones)
    }
    met = select(HumanContact.id).where(HumanContact.member_id == Member.id).exists()
    query = select(Member).where(
        Member.guild_id == guild_id,
        Member.status == MemberStatus.ACTIVE,
        Member.onboarded_at.is_not(None),
        ~met,
    )
    if zones is not None:
        query = query.where(Member.timezone.in_(list(zones)))
    alone = await session.execute(query)
    found = {**on_list, **{member.id: member for member in alone.scalars()}}
    organizers = set(
        (
            await session.execute(
                select(Organizer.member_id)
                .join(Member, Organizer.member_id == Member.id)
                .where(Member.guild_id == guild_id, Organizer.status != OrganizerStatus.REMOVED)
            )
        ).scalars()
    )
    members = [member for member in found.values() if member.id not in organizers]
    members.sort(key=_waiting_since)
    return members


def _waiting_since(member: Member) -> tuple[datetime, int]:
    return (member.mentor_requested_at or member.onboarded_at or member.joined_at, member.id)


async def _zones_in(session: AsyncSession, guild_id: int, band: Band, at: datetime) -> list[str]:
    """The time zones of the guild's active members that lie in `band` at `at`."""
    rows = await session.execute(
        select(Member.timezone)
        .where(
            Member.guild_id == guild_id, Member.status == MemberStatus.ACTIVE, Member.timezone.is_not(None)
        )
        .distinct()
    )
    return [zone for zone in rows.scalars() if zone is not None and fits(band, zone, at)]


def rest_after(unanswered_in_a_row: int) -> timedelta:
    """How long a member rests from invitations after leaving the last one unanswered: `EVERY`,
    doubled for each one before it they also left unanswered (1, 2, 4, 8 weeks at most), so
    members who never answer do not keep the seats of those who would come. A "can't make it"
    is an answer: it rests nobody."""
    if unanswered_in_a_row <= 0:
        return timedelta(0)
    rest: timedelta = EVERY * 2 ** (unanswered_in_a_row - 1)
    return min(rest, MAX_REST)


def resting_until(history: Sequence[tuple[datetime, CallAnswer, bool]]) -> datetime | None:
    """When a member may be invited again, from their past invitations (the call's start, their
    answer, whether they came), newest first: the unanswered ones in a row rest them from the
    latest one's start (`rest_after`); None when the latest was answered (or there is none)."""
    silent = 0
    for _, answer, attended in history:
        if answer != CallAnswer.PENDING or attended:
            break
        silent += 1
    if not silent:
        return None
    return history[0][0] + rest_after(silent)


async def _resting(
    session: AsyncSession, member_ids: Sequence[int], now: datetime
) -> tuple[set[int], set[int]]:
    """Which of `member_ids` still rest after invitations they left unanswered (`resting_until`),
    and which left their latest invitation unanswered (rested or not): invitations sent for calls
    that have started since and were not called off."""
    if not member_ids:
        return set(), set()
    rows = await session.execute(
        select(
            WelcomeCallInvite.member_id,
            WelcomeCallOccurrence.starts_at,
            WelcomeCallInvite.answer,
            WelcomeCallInvite.attended,
        )
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(
            WelcomeCallInvite.member_id.in_(list(member_ids)),
            WelcomeCallInvite.invited_at.is_not(None),
            WelcomeCallOccurrence.starts_at <= now,
            WelcomeCallOccurrence.starts_at > now - MAX_REST * 2,
            WelcomeCallOccurrence.status != CallOccurrenceStatus.CANCELLED,
        )
        .order_by(WelcomeCallInvite.member_id, WelcomeCallOccurrence.starts_at.desc())
    )
    history: dict[int, list[tuple[datetime, CallAnswer, bool]]] = {}
    for member_id, starts_at, answer, attended in rows.all():
        history.setdefault(member_id, []).append((starts_at, answer, attended))
    resting, ignored = set(), set()
    for member_id, past in history.items():
        until = resting_until(past)
        if until is not None:
            ignored.add(member_id)
            if now < until:
                resting.add(member_id)
    return resting, ignored


EXPERIENCED_CONTACTS = (HumanContactKind.MENTOR_INTRODUCTION, HumanContactKind.WELCOME_CALL)


async def _met(session: AsyncSession, member_ids: Sequence[int]) -> tuple[set[int], set[int]]:
    """Which of `member_ids` met anyone yet, and which met an experienced organizer (a mentor, or
    a welcome call's host)."""
    if not member_ids:
        return set(), set()
    rows = await session.execute(
        select(HumanContact.member_id, HumanContact.kind)
        .where(HumanContact.member_id.in_(list(member_ids)))
        .distinct()
    )
    anyone: set[int] = set()
    organizer: set[int] = set()
    for member_id, kind in rows.all():
        anyone.add(member_id)
        if kind in EXPERIENCED_CONTACTS:
            organizer.add(member_id)
    return anyone, organizer


async def _wait_target(session: AsyncSession, guild_id: int) -> timedelta:
    """The guild's wait target (`wait_target_days`, as bot.services.waiting reads it)."""
    settings = await session.get(GuildSettings, guild_id)
    days = settings.wait_target_days if settings is not None else GuildDefaults().wait_target_days
    return timedelta(days=days)


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


def seat_order(waiting: Sequence[Seeker], now: datetime, target: timedelta) -> list[int]:
    """Who gets a call's seats first: the newcomers nobody has met yet, newest first, while they
    are within the guild's wait target (so a newcomer is reached within days); then the longest
    waiting, those who have not met an experienced organizer yet (no mentor, no call) before those
    who have, and of those who have not, the ones in their first month (`FIRST_MONTH`: meeting
    an organizer then is what keeps a newcomer) or waiting `LONG_WAIT` already before the others
    (`deferred`), so a few seats a week reach most in their first month, and nobody waits for
    ever. Members who left their latest invitation unanswered come after everyone who did not
    (in the same order among themselves): a seat goes to someone who may answer first."""

    def fresh(seeker: Seeker) -> bool:
        return is_fresh(seeker, now, target) and not seeker.ignored

    first = sorted(
        (seeker for seeker in waiting if fresh(seeker)),
        key=lambda seeker: (seeker.onboarded_at, seeker.member_id),
        reverse=True,
    )
    rest = sorted(
        (seeker for seeker in waiting if not fresh(seeker)),
        key=lambda seeker: (
            seeker.ignored,
            seeker.met_organizer,
            not seeker.met_organizer and deferred(seeker, now),
            seeker.waiting_since,
            seeker.member_id,
        ),
    )
    return [seeker.member_id for seeker in first + rest]


async def _busy(
    session: AsyncSession, *, guild_id: int | None = None, member_ids: Sequence[int] = ()
) -> set[int]:
    """Members (of the guild, or among `member_ids`) with an open invitation to an upcoming call
    who did not say no: never two calls at once."""
    query = (
        select(WelcomeCallInvite.member_id)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(
            WelcomeCallInvite.answer != CallAnswer.CANT_MAKE_IT,
            WelcomeCallOccurrence.status.in_(_OPEN),
        )
    )
    if guild_id is not None:
        query = query.where(WelcomeCallOccurrence.guild_id == guild_id)
    else:
        if not member_ids:
            return set()
        query = query.where(WelcomeCallInvite.member_id.in_(list(member_ids)))
    return set((await session.execute(query)).scalars())


async def invited_to_upcoming(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of `member_ids` are invited to an upcoming welcome call (and did not say no)."""
    return await _busy(session, member_ids=member_ids)


async def _came_before(session: AsyncSession, call_id: int) -> set[int]:
    rows = await session.execute(
        select(WelcomeCallInvite.member_id)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(WelcomeCallOccurrence.call_id == call_id, WelcomeCallInvite.attended.is_(True))
    )
    return set(rows.scalars())


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


def _keeps_seat(invite: WelcomeCallInvite, now: datetime) -> bool:
    """`holds_seat`, for one invitation in hand."""
    if invite.answer == CallAnswer.INTERESTED:
        return True
    return invite.answer == CallAnswer.PENDING and (
        invite.invited_at is None or invite.invited_at > now - ANSWER_WAIT
    )


async def _owed_seats(
    session: AsyncSession,
    call: WelcomeCall,
    occurrence: WelcomeCallOccurrence,
    first: Sequence[int],
    skip: set[int],
) -> list[int]:
    """Of `first` (told a call was off and promised the next), those this occurrence can take:
    active, not its host, living in its band at its start, not invited to it or to another call."""
    if not first:
        return []
    band = Band(call.band_low_minutes, call.band_high_minutes)
    members = {
        member.id: member
        for member in (await session.execute(select(Member).where(Member.id.in_(list(first))))).scalars()
    }
    return [
        member_id
        for member_id in dict.fromkeys(first)
        if (member := members.get(member_id)) is not None
        and member.status == MemberStatus.ACTIVE
        and member_id != call.host_member_id
        and member_id not in skip
        and fits(band, member.timezone, occurrence.starts_at)
    ]


async def _invite_for(
    session: AsyncSession,
    call: WelcomeCall,
    occurrence: WelcomeCallOccurrence,
    now: datetime,
    first: Sequence[int] = (),
) -> list[int]:
    """Invite rows (sent by `invites_due`) for those still waiting whose zone fits, up to the size
    (a place someone said they can't make is offered to the next; nobody is asked twice): never
    one resting after invitations they left unanswered; the newcomers nobody met yet first
    (`seat_order`). Before all of them `first`: members told a call was off and promised the
    next one (`_cancel`), whoever they are, as long as they live in the band and have no other
    call. The members invited."""
    band = Band(call.band_low_minutes, call.band_high_minutes)
    asked = (
        await session.execute(
            select(WelcomeCallInvite).where(WelcomeCallInvite.occurrence_id == occurrence.id)
        )
    ).scalars()
    already: dict[int, bool] = {invite.member_id: _keeps_seat(invite, now) for invite in asked}
    room = call.size - sum(already.values())
    if room <= 0:
        return []
    busy = await _busy(session, guild_id=call.guild_id)
    owed = (await _owed_seats(session, call, occurrence, first, set(already) | busy))[:room]
    for member_id in owed:
        session.add(WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member_id))
    room -= len(owed)
    if room <= 0:
        await session.flush()
        return owed
    zones = await _zones_in(session, call.guild_id, band, occurrence.starts_at)
    if not zones:
        await session.flush()
        return owed
    waiting = [
        member
        for member in await _still_waiting(session, call.guild_id, zones=zones)
        if member.id != call.host_member_id
    ]
    skip = set(already) | set(owed) | busy | await _came_before(session, call.id)
    waiting = [member for member in waiting if member.id not in skip]
    resting, ignored = await _resting(session, [member.id for member in waiting], now)
    waiting = [member for member in waiting if member.id not in resting]
    anyone, organizer = await _met(session, [member.id for member in waiting])
    seekers = [
        Seeker(m.id, _waiting_since(m)[0], m.onboarded_at, m.id in anyone, m.id in organizer, m.id in ignored)
        for m in waiting
    ]
    target = await _wait_target(session, call.guild_id)
    if occurrence.starts_at - now > OTHERS_FROM:  # a newcomer may still come: their seats kept
        seekers = [seeker for seeker in seekers if is_fresh(seeker, now, target)]
    order = seat_order(seekers, now, target)
    chosen = order[:room]
    for member_id in chosen:
        session.add(WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member_id))
    await session.flush()
    return owed + chosen


async def _schedule(
    session: AsyncSession, call: WelcomeCall, after: datetime, now: datetime, first: Sequence[int] = ()
) -> WelcomeCallOccurrence:
    starts_at = next_start(call.weekday, call.local_minute, call.timezone, after)
    occurrence = WelcomeCallOccurrence(
        call_id=call.id,
        guild_id=call.guild_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=call.duration_minutes),
    )
    session.add(occurrence)
    await session.flush()
    await _invite_for(session, call, occurrence, now, first)
    return occurrence


# -- hosting ---------------------------------------------------------------------------


async def host(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    band: str,
    weekday: int,
    at: str,
    now: datetime,
    channel_id: int | None = None,
    location: str | None = None,
    size: int | None = None,
    timezone: str | None = None,
) -> Hosted:
    """An organizer's new weekly call; its first occurrence (at least `LEAD` ahead) and invites."""
    member = await _member(session, guild_id, user_id)
    if member is None or not await _is_host(session, member):
        raise NotAllowedError(texts.NOT_AN_ORGANIZER)
    parsed = parse_band(band)
    minute = parse_time(at)
    zone = timezone or member.timezone
    if not zone:
        raise BandError(texts.NO_ZONE)
    zone_of(zone)
    if (channel_id is None) == (location is None or not location.strip()):
        raise BandError(texts.ONE_PLACE)
    most = await guild_size(session, guild_id)
    wanted = size if size is not None else most
    if wanted > most:
        raise BandError(texts.TOO_BIG.format(size=most))
    if wanted < 2:
        raise BandError(texts.TOO_SMALL)
    call = WelcomeCall(
        guild_id=guild_id,
        host_member_id=member.id,
        band_low_minutes=parsed.low,
        band_high_minutes=parsed.high,
        weekday=weekday % 7,
        local_minute=minute,
        timezone=zone,
        duration_minutes=int(DURATION / timedelta(minutes=1)),
        channel_id=channel_id,
        location=location.strip()[:100] if location and channel_id is None else None,
        size=wanted,
        created_at=now,
    )
    session.add(call)
    await session.flush()
    occurrence = await _schedule(session, call, now + LEAD, now)
    return Hosted(_call_event(call, occurrence, user_id), call.weekday, minute, zone)


async def events_due(*, session: AsyncSession, now: datetime) -> list[CallEvent]:
    """Upcoming occurrences whose Discord event is still to make (the adapter makes each, then
    `record_event`)."""
    rows = await session.execute(
        select(WelcomeCallOccurrence).where(
            WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            WelcomeCallOccurrence.event_id.is_(None),
            WelcomeCallOccurrence.starts_at > now,
        )
    )
    return [await _event(session, occurrence) for occurrence in rows.scalars()]


async def record_event(*, session: AsyncSession, occurrence_id: int, event_id: int) -> bool:
    """The event made for an occurrence; False when it is not wanted (any more): the call was
    called off meanwhile, or another run made one first. The adapter cancels such an event."""
    occurrence = await session.get(WelcomeCallOccurrence, occurrence_id, with_for_update=True)
    if occurrence is None or occurrence.status != CallOccurrenceStatus.SCHEDULED:
        return False
    if occurrence.event_id is None:
        occurrence.event_id = event_id
    return occurrence.event_id == event_id


async def _invites(
    session: AsyncSession, *conditions: ColumnElement[bool], lock: bool = True
) -> list[tuple[WelcomeCallInvite, WelcomeCallOccurrence, int]]:
    query = (
        select(WelcomeCallInvite, WelcomeCallOccurrence, Member.user_id)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .join(Member, WelcomeCallInvite.member_id == Member.id)
        .where(*conditions)
        .order_by(WelcomeCallInvite.id)
    )
    if lock:
        query = query.with_for_update(of=WelcomeCallInvite, skip_locked=True)
    return [
        (invite, occurrence, user_id) for invite, occurrence, user_id in (await session.execute(query)).all()
    ]


async def _top_up(session: AsyncSession, now: datetime) -> None:
    """Invite rows for the free seats of upcoming calls whose event exists."""
    taken = (
        select(WelcomeCallInvite.occurrence_id, func.count().label("taken"))
        .where(holds_seat(now))
        .group_by(WelcomeCallInvite.occurrence_id)
        .subquery()
    )
    rows = await session.execute(
        select(WelcomeCallOccurrence, WelcomeCall)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .outerjoin(taken, taken.c.occurrence_id == WelcomeCallOccurrence.id)
        .where(
            WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            WelcomeCallOccurrence.event_id.is_not(None),
            WelcomeCallOccurrence.starts_at > now,
            func.coalesce(taken.c.taken, 0) < WelcomeCall.size,
        )
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallOccurrence.id)
    )
    for occurrence, call in rows.all():
        await _invite_for(session, call, occurrence, now)


async def invites_due(*, session: AsyncSession, now: datetime) -> list[Invite]:
    """Invitations still to send for upcoming calls whose event exists; claimed as sent. First the
    free seats of those calls are offered (`_top_up`): to newcomers who came since, and from
    `OTHERS_FROM` before the start to everyone else waiting."""
    await _top_up(session, now)
    due = []
    for invite, occurrence, user_id in await _invites(
        session,
        WelcomeCallInvite.invited_at.is_(None),
        Member.status == MemberStatus.ACTIVE,  # not one who left since
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.event_id.is_not(None),
        WelcomeCallOccurrence.starts_at > now,
    ):
        invite.invited_at = now
        due.append(Invite(invite.id, user_id, await _event(session, occurrence)))
    return due


async def answer(
    *, session: AsyncSession, invite_id: int, user_id: int, interested: bool, now: datetime
) -> Answered:
    """Interested / can't make it, by the invited member only, while the call is upcoming."""
    invite = await session.get(WelcomeCallInvite, invite_id, with_for_update=True)
    if invite is None:
        return Answered(False, False, None)
    member = await session.get(Member, invite.member_id)
    if member is None or member.user_id != user_id:
        return Answered(False, False, None)
    occurrence = await session.get_one(WelcomeCallOccurrence, invite.occurrence_id)
    if occurrence.status != CallOccurrenceStatus.SCHEDULED:
        return Answered(False, True, invite.answer)
    call = await session.get_one(WelcomeCall, occurrence.call_id)
    note = None
    if interested and invite.answer != CallAnswer.INTERESTED:
        band = Band(call.band_low_minutes, call.band_high_minutes)
        if not fits(band, member.timezone, occurrence.starts_at):  # they moved since
            return Answered(False, True, invite.answer, AnswerNote.NOT_THEIR_ZONE)
        if not _keeps_seat(invite, now) and await _taken(session, occurrence.id, now) >= call.size:
            return Answered(False, True, invite.answer, AnswerNote.FULL)  # their seat was given on
    first_no = not interested and invite.answer != CallAnswer.CANT_MAKE_IT
    invite.answer = CallAnswer.INTERESTED if interested else CallAnswer.CANT_MAKE_IT
    invite.answered_at = now
    await session.flush()
    if interested and await _withdraw_others(session, member.id, occurrence.id, now):
        note = AnswerNote.SWITCHED  # never two calls at once: the one they said yes to stands
    if first_no:  # their place goes to the next one waiting in the band
        await _invite_for(session, call, occurrence, now)
    return Answered(True, True, invite.answer, note)


async def _taken(session: AsyncSession, occurrence_id: int, now: datetime) -> int:
    """An occurrence's seats taken (`holds_seat`)."""
    found = await session.scalar(
        select(func.count())
        .select_from(WelcomeCallInvite)
        .where(WelcomeCallInvite.occurrence_id == occurrence_id, holds_seat(now))
    )
    return int(found or 0)


async def _withdraw(
    session: AsyncSession,
    invite: WelcomeCallInvite,
    occurrence: WelcomeCallOccurrence,
    now: datetime,
) -> None:
    """An invitation taken back (the member moved, or said yes to another call): one never sent
    goes; one sent counts as a no (no reminders, not busy). Its seat is offered on."""
    if invite.invited_at is None:
        await session.delete(invite)
    else:
        invite.answer = CallAnswer.CANT_MAKE_IT
    await session.flush()
    if occurrence.status == CallOccurrenceStatus.SCHEDULED and occurrence.starts_at > now:
        await _invite_for(session, await session.get_one(WelcomeCall, occurrence.call_id), occurrence, now)


async def _open_invites_of(
    session: AsyncSession, member_id: int
) -> list[tuple[WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCall]]:
    rows = await session.execute(
        select(WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCall)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(
            WelcomeCallInvite.member_id == member_id,
            WelcomeCallInvite.answer != CallAnswer.CANT_MAKE_IT,
            WelcomeCallOccurrence.status.in_(_OPEN),
        )
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallInvite.id)
        .with_for_update(of=WelcomeCallInvite)
    )
    return [(invite, occurrence, call) for invite, occurrence, call in rows.all()]


async def _withdraw_others(session: AsyncSession, member_id: int, keep: int, now: datetime) -> int:
    """A member said yes to occurrence `keep`: their invitations to other calls are withdrawn
    (never two calls at once). How many."""
    others = [
        (invite, occurrence)
        for invite, occurrence, _ in await _open_invites_of(session, member_id)
        if occurrence.id != keep
    ]
    for invite, occurrence in others:
        await _withdraw(session, invite, occurrence, now)
    return len(others)


async def moved(*, session: AsyncSession, member_id: int, now: datetime) -> int:
    """A member's time zone changed (they moved: `profile.set_locale`): their invitations to
    upcoming calls whose band no longer holds them at the call's start are withdrawn and the
    seats offered on; the calls of where they live now may invite them. How many withdrawn."""
    member = await session.get_one(Member, member_id)
    withdrawn = 0
    for invite, occurrence, call in await _open_invites_of(session, member_id):
        band = Band(call.band_low_minutes, call.band_high_minutes)
        if occurrence.status != CallOccurrenceStatus.SCHEDULED or fits(
            band, member.timezone, occurrence.starts_at
        ):
            continue
        await _withdraw(session, invite, occurrence, now)
        withdrawn += 1
    return withdrawn


async def interested_by_event(
    *, session: AsyncSession, guild_id: int, event_id: int, user_id: int, now: datetime
) -> bool:
    """A member marked the call's Discord event Interested: as good as the invitation's button
    (invited or not: they found it themselves), so they are reminded. False when it is no upcoming
    call of ours, or they are not a member we know."""
    occurrence = (
        await session.execute(
            select(WelcomeCallOccurrence).where(
                WelcomeCallOccurrence.guild_id == guild_id,
                WelcomeCallOccurrence.event_id == event_id,
                WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            )
        )
    ).scalar_one_or_none()
    member = await _member(session, guild_id, user_id)
    if occurrence is None or member is None:
        return False
    invite = (
        await session.execute(
            select(WelcomeCallInvite)
            .where(WelcomeCallInvite.occurrence_id == occurrence.id, WelcomeCallInvite.member_id == member.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if invite is None:
        invite = WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member.id, invited_at=now)
        session.add(invite)
    invite.answer, invite.answered_at = CallAnswer.INTERESTED, now
    await session.flush()
    await _withdraw_others(session, member.id, occurrence.id, now)  # never two calls at once
    return True


async def reminders_due(*, session: AsyncSession, now: datetime) -> list[Invite]:
    """The 24 h and 1 h reminders due to members who said they'd come; claimed as sent."""
    due = []
    for invite, occurrence, user_id in await _invites(
        session,
        WelcomeCallInvite.answer == CallAnswer.INTERESTED,
        Member.status == MemberStatus.ACTIVE,
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.starts_at > now,
        WelcomeCallOccurrence.starts_at <= now + REMIND_DAY,
        or_(WelcomeCallInvite.reminded_day_at.is_(None), WelcomeCallInvite.reminded_hour_at.is_(None)),
    ):
        which = reminder_due(
            occurrence.starts_at,
            now,
            day_sent=invite.reminded_day_at is not None,
            hour_sent=invite.reminded_hour_at is not None,
        )
        if which is None:
            continue
        if which == Reminder.HOUR:
            invite.reminded_hour_at = now
            invite.reminded_day_at = invite.reminded_day_at or now  # never the day's after the hour's
        else:
            invite.reminded_day_at = now
        due.append(Invite(invite.id, user_id, await _event(session, occurrence), which))
    return due


async def _occurrences(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> list[WelcomeCallOccurrence]:
    rows = await session.execute(
        select(WelcomeCallOccurrence)
        .where(*conditions)
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallOccurrence.id)
        .with_for_update(skip_locked=True)
    )
    return list(rows.scalars())


async def starts_due(*, session: AsyncSession, now: datetime) -> list[CallEvent]:
    """Calls whose start came: under way now (the adapter starts their Discord event)."""
    started = []
    for occurrence in await _occurrences(
        session,
        WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        WelcomeCallOccurrence.starts_at <= now,
    ):
        occurrence.status, occurrence.started_at = CallOccurrenceStatus.STARTED, now
        started.append(await _event(session, occurrence))
    return started


# -- presence and attendance -------------------------------------------------------------


async def voice_changed(
    *, session: AsyncSession, guild_id: int, user_id: int, channel_id: int | None, now: datetime
) -> bool:
    """A member joined (`channel_id`), moved or left (None) voice: their stay in a call's channel
    opens or closes. True when a call's presence changed."""
    member = await _member(session, guild_id, user_id)
    if member is None:
        return False
    changed = False
    open_stays = await session.execute(
        select(WelcomeCallPresence, WelcomeCall.channel_id)
        .join(WelcomeCallOccurrence, WelcomeCallPresence.occurrence_id == WelcomeCallOccurrence.id)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(WelcomeCallPresence.member_id == member.id, WelcomeCallPresence.left_at.is_(None))
    )
    staying = False
    for stay, stay_channel in open_stays.all():
        if stay_channel == channel_id:
            staying = True
            continue
        stay.left_at, changed = now, True
    if channel_id is None or staying:
        return changed
    calls = await session.execute(
        select(WelcomeCallOccurrence)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(
            WelcomeCall.guild_id == guild_id,
            WelcomeCall.channel_id == channel_id,
            WelcomeCallOccurrence.status.in_(_OPEN),
            WelcomeCallOccurrence.starts_at <= now + EARLY,
            WelcomeCallOccurrence.ends_at > now,
        )
    )
    for occurrence in calls.scalars():
        session.add(WelcomeCallPresence(occurrence_id=occurrence.id, member_id=member.id, joined_at=now))
        changed = True
    return changed


async def _close(
    session: AsyncSession, occurrence: WelcomeCallOccurrence, attendee_ids: set[int], now: datetime
) -> Closed:
    """Attendance recorded (a human contact each, naming the host), the next call scheduled."""
    call = await session.get_one(WelcomeCall, occurrence.call_id)
    attendee_ids.discard(call.host_member_id)
    invites = {
        invite.member_id: invite
        for invite in (
            await session.execute(
                select(WelcomeCallInvite).where(WelcomeCallInvite.occurrence_id == occurrence.id)
            )
        ).scalars()
    }
    for member_id in attendee_ids - set(invites):  # came without an invitation: counted all the same
        invite = WelcomeCallInvite(occurrence_id=occurrence.id, member_id=member_id, invited_at=now)
        session.add(invite)
        invites[member_id] = invite
    await session.flush()
    event = await _event(session, occurrence)
    attendees = []
    for member_id in sorted(attendee_ids):
        invite = invites[member_id]
        invite.attended, invite.asked_at = True, now
        await contacts.record_contact(
            session=session,
            guild_id=call.guild_id,
            member_id=member_id,
            kind=HumanContactKind.WELCOME_CALL,
            subject_id=occurrence.id,
            at=occurrence.starts_at,
            counterpart_member_id=call.host_member_id,
        )
        member = await session.get_one(Member, member_id)
        attendees.append(Invite(invite.id, member.user_id, event))
    occurrence.status, occurrence.closed_at = CallOccurrenceStatus.CLOSED, now
    next_call = None
    if call.status == WelcomeCallStatus.ACTIVE:
        upcoming = await _schedule(session, call, max(occurrence.ends_at, now + LEAD), now)
        next_call = await _event(session, upcoming)
    return Closed(event, tuple(attendees), next_call)


async def _present(session: AsyncSession, occurrence: WelcomeCallOccurrence, now: datetime) -> set[int]:
    stays = await session.execute(
        select(WelcomeCallPresence).where(WelcomeCallPresence.occurrence_id == occurrence.id)
    )
    by_member: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for stay in stays.scalars():
        if stay.left_at is None:
            stay.left_at = min(now, occurrence.ends_at)
        by_member.setdefault(stay.member_id, []).append((stay.joined_at, stay.left_at))
    return {
        member_id
        for member_id, spans in by_member.items()
        if presence_in(spans, occurrence.starts_at, occurrence.ends_at) >= MIN_PRESENCE
    }


async def ends_due(*, session: AsyncSession, now: datetime) -> list[Ended]:
    """Calls whose end came: a voice call is counted from presence and closed; an external one
    waits for the host's list (asked once)."""
    ended = []
    for occurrence in await _occurrences(
        session, WelcomeCallOccurrence.status.in_(_OPEN), WelcomeCallOccurrence.ends_at <= now
    ):
        call = await session.get_one(WelcomeCall, occurrence.call_id)
        occurrence.status, occurrence.ended_at = CallOccurrenceStatus.ENDED, now
        if call.channel_id is not None:
            closed = await _close(session, occurrence, await _present(session, occurrence, now), now)
            ended.append(Ended(closed.call, closed, None))
            continue
        occurrence.host_asked_at = now
        rows = await _invites(session, WelcomeCallInvite.occurrence_id == occurrence.id, lock=False)
        invitees = sorted(
            (
                (user_id, invite.answer == CallAnswer.INTERESTED)
                for invite, _, user_id in rows
                if invite.invited_at
            ),
            key=lambda item: (not item[1], item[0]),
        )
        event = await _event(session, occurrence)
        ended.append(Ended(event, None, AttendanceAsk(event, tuple(invitees))))
    # A host who never said who came: the call is closed without a count, so the next one is on.
    for occurrence in await _occurrences(
        session,
        WelcomeCallOccurrence.status == CallOccurrenceStatus.ENDED,
        WelcomeCallOccurrence.host_asked_at <= now - HOST_LIST_WAIT,
    ):
        closed = await _close(session, occurrence, set(), now)
        ended.append(Ended(closed.call, closed, None, just_ended=False))
    return ended


async def host_attendance(
    *,
    session: AsyncSession,
    occurrence_id: int,
    user_id: int,
    attended_user_ids: Sequence[int],
    now: datetime,
) -> Closed:
    """The host's one-tap list for an external call: who came (among the guild's members)."""
    occurrence = await session.get(WelcomeCallOccurrence, occurrence_id, with_for_update=True)
    if occurrence is None:
        raise NotFoundError(texts.NO_SUCH_CALL)
    call = await session.get_one(WelcomeCall, occurrence.call_id)
    host_member = await session.get_one(Member, call.host_member_id)
    if host_member.user_id != user_id:
        raise NotAllowedError(texts.NOT_YOUR_CALL)
    if occurrence.status != CallOccurrenceStatus.ENDED:
        raise NotFoundError(texts.HOST_TOO_LATE)
    ids = list(attended_user_ids)
    rows = (
        await session.execute(
            select(Member.id).where(Member.guild_id == call.guild_id, Member.user_id.in_(ids))
        )
        if ids
        else None
    )
    return await _close(session, occurrence, set(rows.scalars()) if rows is not None else set(), now)


async def feedback(
    *, session: AsyncSession, invite_id: int, user_id: int, answer: CallFeedback, now: datetime
) -> bool:
    """An attendee's answer to "how was it?" (theirs only; the first answer stands)."""
    invite = await session.get(WelcomeCallInvite, invite_id, with_for_update=True)
    if invite is None or not invite.attended:
        return False
    member = await session.get(Member, invite.member_id)
    if member is None or member.user_id != user_id:
        return False
    if invite.feedback is None:
        invite.feedback, invite.feedback_at = answer, now
    return True


# -- cancelling and listing ------------------------------------------------------------------


async def cancel(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    call_id: int,
    for_good: bool,
    moderator: bool,
    now: datetime,
) -> Cancelled:
    """The host (or a moderator) calls off the next occurrence: the invited who had not said no
    are told; unless `for_good`, the one after is scheduled and they are invited to it first."""
    call = await session.get(WelcomeCall, call_id, with_for_update=True)
    if call is None or call.guild_id != guild_id or call.status != WelcomeCallStatus.ACTIVE:
        raise NotFoundError(texts.NO_SUCH_CALL)
    host_member = await session.get_one(Member, call.host_member_id)
    if host_member.user_id != user_id and not moderator:
        raise NotAllowedError(texts.NOT_YOUR_CALL)
    cancelled = await _cancel(session, call, for_good=for_good, now=now)
    if cancelled is None:
        raise NotFoundError(texts.NO_SUCH_CALL)
    return cancelled


async def _cancel(
    session: AsyncSession, call: WelcomeCall, *, for_good: bool, now: datetime
) -> Cancelled | None:
    """The call's next occurrence called off (None: none is upcoming; `for_good` ends the call anyway)."""
    if for_good:
        call.status, call.cancelled_at = WelcomeCallStatus.CANCELLED, now
    upcoming = (
        await session.execute(
            select(WelcomeCallOccurrence)
            .where(
                WelcomeCallOccurrence.call_id == call.id,
                WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
            )
            .order_by(WelcomeCallOccurrence.starts_at)
            .limit(1)
        )
    ).scalar_one_or_none()
    if upcoming is None:
        return None
    upcoming.status, upcoming.closed_at = CallOccurrenceStatus.CANCELLED, now
    await session.flush()
    rows = await _invites(session, WelcomeCallInvite.occurrence_id == upcoming.id, lock=False)
    told_rows = [
        (invite, user)
        for invite, _, user in rows
        if invite.invited_at and invite.answer != CallAnswer.CANT_MAKE_IT
    ]
    told = tuple(user for _, user in told_rows)
    # Those told are owed a seat: the interested first, then the others, in the order invited.
    owed = [
        invite.member_id
        for invite, _ in sorted(
            told_rows, key=lambda row: (row[0].answer != CallAnswer.INTERESTED, row[0].id)
        )
    ]
    event = await _event(session, upcoming)
    next_call = None
    if not for_good:
        later = await _schedule(session, call, upcoming.ends_at, now, first=owed)
        next_call = await _event(session, later)
    seated = await _seat_owed(session, call.guild_id, owed, now)
    user_of = {invite.member_id: user for invite, user in told_rows}
    invited_to = tuple((user_of[member_id], seated[member_id]) for member_id in owed if member_id in seated)
    return Cancelled(event, told, next_call, for_good, invited_to)


async def _open_invitation(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, WelcomeCallOccurrence]:
    """Each of `member_ids`' invitation to an upcoming call they did not say no to (at most one)."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(WelcomeCallInvite.member_id, WelcomeCallOccurrence)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .where(
            WelcomeCallInvite.member_id.in_(list(member_ids)),
            WelcomeCallInvite.answer != CallAnswer.CANT_MAKE_IT,
            WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
        )
        .order_by(WelcomeCallOccurrence.starts_at)
    )
    found: dict[int, WelcomeCallOccurrence] = {}
    for member_id, occurrence in rows.all():
        found.setdefault(member_id, occurrence)
    return found


async def _seat_owed(
    session: AsyncSession, guild_id: int, owed: Sequence[int], now: datetime
) -> dict[int, CallEvent]:
    """Members told a call was off, each seated in the soonest upcoming call of their band with
    room (`_invite_for` takes them first) unless already invited to one: each one's next call.
    Those no call has room for are not in it."""
    found = await _open_invitation(session, owed)
    left = [member_id for member_id in owed if member_id not in found]
    if left:
        rows = await session.execute(
            select(WelcomeCallOccurrence, WelcomeCall)
            .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
            .where(
                WelcomeCallOccurrence.guild_id == guild_id,
                WelcomeCallOccurrence.status == CallOccurrenceStatus.SCHEDULED,
                WelcomeCallOccurrence.starts_at > now,
                WelcomeCall.status == WelcomeCallStatus.ACTIVE,
            )
            .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallOccurrence.id)
        )
        for occurrence, call in rows.all():
            if not left:
                break
            for member_id in set(await _invite_for(session, call, occurrence, now, first=left)) & set(left):
                found[member_id] = occurrence
            left = [member_id for member_id in left if member_id not in found]
    return {member_id: await _event(session, occurrence) for member_id, occurrence in found.items()}


async def host_left(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> list[Cancelled]:
    """A host who left the server: their calls end, and those invited to the next one are told."""
    member = await _member(session, guild_id, user_id)
    if member is None:
        return []
    rows = await session.execute(
        select(WelcomeCall)
        .where(WelcomeCall.host_member_id == member.id, WelcomeCall.status == WelcomeCallStatus.ACTIVE)
        .with_for_update()
    )
    found = [await _cancel(session, call, for_good=True, now=now) for call in rows.scalars()]
    return [cancelled for cancelled in found if cancelled is not None]


async def listing(*, session: AsyncSession, guild_id: int) -> list[Listed]:
    """The guild's calls that are on, each with its next occurrence and how many are coming."""
    rows = await session.execute(
        select(WelcomeCall, WelcomeCallOccurrence)
        .join(WelcomeCallOccurrence, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(
            WelcomeCall.guild_id == guild_id,
            WelcomeCall.status == WelcomeCallStatus.ACTIVE,
            WelcomeCallOccurrence.status.in_(_OPEN),
        )
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCall.id)
    )
    listed = []
    for call, occurrence in rows.all():
        answers = Counter(
            (
                await session.execute(
                    select(WelcomeCallInvite.answer).where(WelcomeCallInvite.occurrence_id == occurrence.id)
                )
            ).scalars()
        )
        host_member = await session.get_one(Member, call.host_member_id)
        listed.append(
            Listed(
                _call_event(call, occurrence, host_member.user_id),
                call.weekday,
                call.local_minute,
                call.timezone,
                invited=sum(answers.values()),
                interested=answers[CallAnswer.INTERESTED],
            )
        )
    return listed


def best_band(offsets: Sequence[int], width: int = BAND_WIDTH) -> tuple[Band | None, int]:
    """The band of `width` minutes (starting at a whole hour) holding the most offsets; of those,
    the one centred nearest the offsets it holds."""
    best: tuple[Band | None, int] = (None, 0)
    best_off = 0.0
    for low in range(-12 * 60, 14 * 60 + 1, 60):
        held = [offset for offset in offsets if low <= offset <= low + width]
        if not held:
            continue
        off = abs(low + width / 2 - sum(held) / len(held))
        if len(held) > best[1] or (len(held) == best[1] and off < best_off):
            best, best_off = (Band(low, low + width), len(held)), off
    return best


async def plan(*, session: AsyncSession, guild_id: int, now: datetime) -> CallsPlan:
    """Calls scheduled, who is coming, and where one more weekly call would reach the most of
    those still waiting that no call invites (at most one call's size)."""
    listed = await listing(session=session, guild_id=guild_id)
    waiting = await _still_waiting(session, guild_id)
    invited = await _busy(session, guild_id=guild_id)
    offsets = [
        offset
        for member in waiting
        if member.id not in invited and (offset := offset_minutes(member.timezone, now)) is not None
    ]
    band, count = best_band(offsets)
    return CallsPlan(
        scheduled=len(listed),
        invited=sum(item.invited for item in listed),
        interested=sum(item.interested for item in listed),
        band=band,
        would_reach=min(count, await guild_size(session, guild_id)),
    )


# -- privacy ---------------------------------------------------------------------------------


async def stored_about(*, session: AsyncSession, member_id: int) -> dict[str, Any]:
    """What /privacy shows of a member's welcome calls: each invitation (the call's time and
    band, their answer, the reminders, whether they came and how long, what they said), and the
    calls they host; never who else was invited or came."""
    rows = await session.execute(
        select(WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCall)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(WelcomeCallInvite.member_id == member_id)
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallInvite.id)
    )
    stays = await session.execute(
        select(WelcomeCallPresence).where(WelcomeCallPresence.member_id == member_id)
    )
    spans: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for stay in stays.scalars():
        spans.setdefault(stay.occurrence_id, []).append((stay.joined_at, stay.left_at))
    hosted = await session.execute(
        select(WelcomeCall).where(WelcomeCall.host_member_id == member_id).order_by(WelcomeCall.created_at)
    )

    def at(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    invitations = []
    for invite, occurrence, call in rows.all():
        present = presence_in(spans.get(occurrence.id, []), occurrence.starts_at, occurrence.ends_at)
        invitations.append(
            {
                "call_at": at(occurrence.starts_at),
                "band": Band(call.band_low_minutes, call.band_high_minutes).label,
                "answer": str(invite.answer),
                "invited_at": at(invite.invited_at),
                "answered_at": at(invite.answered_at),
                "reminded_day_at": at(invite.reminded_day_at),
                "reminded_hour_at": at(invite.reminded_hour_at),
                "attended": invite.attended,
                "minutes_in_call": int(present / timedelta(minutes=1)),
                "how_it_was": str(invite.feedback) if invite.feedback else None,
                "answered_how_it_was_at": at(invite.feedback_at),
            }
        )
    return {
        "invitations": invitations,
        "hosted": [
            {
                "band": Band(call.band_low_minutes, call.band_high_minutes).label,
                "weekday": call.weekday,
                "local_time": f"{call.local_minute // 60:02d}:{call.local_minute % 60:02d}",
                "timezone": call.timezone,
                "voice_channel_id": call.channel_id,
                "location": call.location,
                "size": call.size,
                "status": str(call.status),
                "created_at": at(call.created_at),
                "cancelled_at": at(call.cancelled_at),
            }
            for call in hosted.scalars()
        ],
    }
