"""Welcome calls: group onboarding, one organizer hour for up to eight members (issue 17 item 3).

An organizer hosts a recurring call for a band of UTC offsets (`host`): a weekday and time in the
host's own zone, a voice channel or an external link, a size (at most the guild's
`welcome_call_size`, default 8). Each week is an occurrence with its Discord scheduled event.
Invited are the members still waiting for attention (waiting for a mentor, or nobody met yet)
whose time zone at the call's start lies in the band; never a member outside it, never one with
an open invitation to another call, never one who already came to this call, never one resting
after invitations they left unanswered (a week, doubling for each one in a row: `rest_after`).
Seats go first to the newcomers nobody has met yet, newest first, while they are within the
guild's wait target; then to those who met no experienced organizer yet: those in their first
month, the one whose month ends soonest first, then those waiting two months already, then the
others, longest waiting first; then those who met one; those who left their latest invitation
unanswered after everyone else (`seat_order`).
An invitation left unanswered for `ANSWER_WAIT` no longer keeps its seat (`holds_seat`): it is
offered to the next one waiting, and a late yes is taken while there is room. Until
`OTHERS_FROM` before the start only such newcomers are invited, so a newcomer who comes during
the week still finds a seat (`invites_due` offers the free ones). Durable time is rows:
the ticks read what is due (`events_due`, `invites_due`, `reminders_due` at 24 h and 1 h,
`starts_due`, `ends_due`) and mark it claimed in the same unit of work, so a restart loses
nothing and sends nothing twice. Attendance is voice presence during the call (`voice_changed`,
one row per stay; at least `MIN_PRESENCE` counts), or for an external call the host's list
(`host_attendance`). Each attendee gets a human contact of kind welcome call, naming the host,
and one question afterwards; then the next occurrence is scheduled (a week later) and those still
waiting are invited again. Moderators see the calls and what one more would reach (`plan`).

The modules: `_rules` (bands, times, reminders, rests: no database), `_seats` (who gets a seat
first), `_model` (what the adapters get), `_rows` (shared reads), `_pool` (who could be invited,
read once as plain columns for many calls), `_inviting` (giving seats), `_hosting` (hosting and
the ticks), `_answers`, `_attendance`, `_cancelling`, `_listing` (moderators and /privacy).
"""

from bot.services.welcome_calls._answers import (
    answer,
    interested_by_event,
    moved,
)
from bot.services.welcome_calls._attendance import (
    ends_due,
    feedback,
    host_attendance,
    voice_changed,
)
from bot.services.welcome_calls._cancelling import (
    cancel,
    host_left,
)
from bot.services.welcome_calls._hosting import (
    events_due,
    host,
    invites_due,
    record_event,
    reminders_due,
    starts_due,
)
from bot.services.welcome_calls._listing import (
    listing,
    plan,
    stored_about,
)
from bot.services.welcome_calls._model import (
    Answered,
    AnswerNote,
    AttendanceAsk,
    CallEvent,
    CallsPlan,
    Cancelled,
    Closed,
    Ended,
    Hosted,
    Invite,
    Listed,
)
from bot.services.welcome_calls._pool import resting
from bot.services.welcome_calls._rows import (
    guild_size,
    invited_to_upcoming,
)
from bot.services.welcome_calls._rules import (
    ANSWER_WAIT,
    BAND_WIDTH,
    DEFAULT_SIZE,
    DURATION,
    EARLY,
    EVERY,
    FIRST_MONTH,
    HOST_LIST_WAIT,
    LEAD,
    LONG_WAIT,
    MAX_REST,
    MIN_PRESENCE,
    OTHERS_FROM,
    REMIND_DAY,
    REMIND_HOUR,
    Band,
    BandError,
    EventStatus,
    Reminder,
    best_band,
    fits,
    next_start,
    offset_minutes,
    parse_band,
    parse_time,
    presence_in,
    reminder_due,
    rest_after,
    resting_until,
    zone_of,
)
from bot.services.welcome_calls._seats import (
    EXPERIENCED_CONTACTS,
    Seeker,
    deferred,
    holds_seat,
    is_fresh,
    seat_order,
)

__all__ = [
    "ANSWER_WAIT",
    "BAND_WIDTH",
    "DEFAULT_SIZE",
    "DURATION",
    "EARLY",
    "EVERY",
    "EXPERIENCED_CONTACTS",
    "FIRST_MONTH",
    "HOST_LIST_WAIT",
    "LEAD",
    "LONG_WAIT",
    "MAX_REST",
    "MIN_PRESENCE",
    "OTHERS_FROM",
    "REMIND_DAY",
    "REMIND_HOUR",
    "AnswerNote",
    "Answered",
    "AttendanceAsk",
    "Band",
    "BandError",
    "CallEvent",
    "CallsPlan",
    "Cancelled",
    "Closed",
    "Ended",
    "EventStatus",
    "Hosted",
    "Invite",
    "Listed",
    "Reminder",
    "Seeker",
    "answer",
    "best_band",
    "cancel",
    "deferred",
    "ends_due",
    "events_due",
    "feedback",
    "fits",
    "guild_size",
    "holds_seat",
    "host",
    "host_attendance",
    "host_left",
    "interested_by_event",
    "invited_to_upcoming",
    "invites_due",
    "is_fresh",
    "listing",
    "moved",
    "next_start",
    "offset_minutes",
    "parse_band",
    "parse_time",
    "plan",
    "presence_in",
    "record_event",
    "reminder_due",
    "reminders_due",
    "rest_after",
    "resting",
    "resting_until",
    "seat_order",
    "starts_due",
    "stored_about",
    "voice_changed",
    "zone_of",
]
