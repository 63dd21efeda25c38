"""Welcome calls: a small group call an organizer hosts every week for members getting started.
Written for a newcomer who may never have been on a call like this, and for a nervous first-time
host."""

from __future__ import annotations

# -- errors (bot/services/welcome_calls) ----------------------------------------------
NOT_AN_ORGANIZER = "Only organizers can host a welcome call. If you'd like to become one, ask a moderator."
BAD_BAND = (
    "I couldn't read that time-zone band. Write it as two UTC offsets, like `UTC-8..-5`, `-3..0` or `+1..+3`."
)
BAD_TIME = "I couldn't read that time. Write it as hours and minutes on a 24-hour clock, like `18:30`."
BAD_ZONE = "I don't know that time zone. Use a name like `Europe/Berlin` or `America/Chicago`."
NO_ZONE = (
    "I don't know your time zone yet, so I can't tell when your call is. "
    "Add `timezone:` (like `Europe/Berlin`), or set your place with /locale set."
)
ONE_PLACE = "Give either a voice channel or a link (not both), so people know where to go."
TOO_BIG = "A welcome call takes at most {size} members on this server (the moderators' setting)."
TOO_SMALL = "A welcome call needs room for at least 2 members."
NO_SUCH_CALL = "I can't find that welcome call. `/call list` shows the ones that are on."
NOT_YOUR_CALL = "Only the host (or a moderator) can change this call."
SETTING_HELP = "how many members a welcome call invites at most (2-25)"

# -- the Discord event ------------------------------------------------------------------
EVENT_NAME = "Welcome call ({band})"
EVENT_DESCRIPTION = (
    "A relaxed hour for members who are getting started: say hello, hear what others are up to, "
    "ask anything. Hosted by one of our organizers."
)

# -- the invite --------------------------------------------------------------------------
INVITE = (
    "Hi! One of our organizers, {host}, hosts a small welcome call for members getting started, "
    "at a good time for where you live: **{when}** ({relative}), about an hour.\n\n"
    "No preparation needed: say hello, hear what others are doing, ask anything. "
    "Up to {size} people. {where}\n\n"
    "Would you like to come?"
)
WHERE_VOICE = "It's in the voice channel <#{channel}>."
WHERE_LINK = "It's here: {location}"
INTERESTED = "I'd like to come"
CANT_MAKE_IT = "Can't make it"
THANKS_INTERESTED = "Wonderful! \N{SLIGHTLY SMILING FACE} I'll remind you the day before and an hour before."
THANKS_CANT = "No problem at all. I'll ask you again for the next one."
GONE = "That call isn't on any more. I'll let you know about the next one."
FULL_NOW = (
    "That call has filled up since, sorry: your place went to someone else waiting. "
    "I'll invite you to the next one that has room."
)
NOT_YOUR_ZONE = (
    "Since you moved, that call's time isn't a good one for where you live now, so I've taken "
    "you off it. I'll invite you to a call at a good time for you."
)
SWITCHED = (
    "I've taken you off the other welcome call you were invited to, so your place there goes to someone else."
)
NOT_YOURS = "This invitation was for someone else."

# -- reminders -------------------------------------------------------------------------
REMIND_DAY = "A reminder: the welcome call with {host} is tomorrow, **{when}** ({relative}). {where}"
REMIND_HOUR = "The welcome call with {host} starts in an hour, **{when}**. {where} See you there!"

# -- afterwards ----------------------------------------------------------------------------
ASK_HOST = (
    "Thanks for hosting the welcome call! Who came? Pick everyone who joined, "
    "so I can check in with them. (Nobody came? Pick 'Nobody this time'.)"
)
ASK_HOST_PLACEHOLDER = "Who came?"
NOBODY = "Nobody this time"
HOST_THANKS = "Thank you! I've noted {count} who came. The next call is on **{when}**."
HOST_TOO_LATE = (
    "Thank you! That call was closed a while ago without a count, so there's nothing to change now."
)
HOST_THANKS_LAST = "Thank you! I've noted {count} who came."
ASK_ATTENDEE = "Thanks for coming to the welcome call with {host}! How was it for you?"
GLAD = "Glad I came"
OKAY = "It was okay"
NOT_FOR_ME = "Not really for me"
THANKS_GLAD = "That's lovely to hear. \N{SLIGHTLY SMILING FACE} /log add is a good place to note what you'd like to try."
THANKS_OKAY = (
    "Thanks for saying. If something would make it better, tell your host: they'll be glad to hear it."
)
THANKS_NOT_FOR_ME = (
    "Thanks for being honest. There are other ways to meet people: /buddy, /circle, or a mentor."
)

# -- cancelling --------------------------------------------------------------------------
CANCELLED_ONE = "The welcome call on **{when}** is off, sorry. I'll invite you to the next one ({next_when})."
HOST_GONE = (
    "The welcome call on **{when}** is off, sorry: its host can't host it any more. "
    "I'll tell you when there's another one for you."
)
HOST_GONE_NEXT = (
    "The welcome call on **{when}** is off, sorry: its host can't host it any more. "
    "I'll invite you to another one instead, **{next_when}**."
)
# Off, and no call has a place for them now (ended for good, or the next ones are full).
CANCELLED_FOR_GOOD = (
    "The welcome call on **{when}** is off, sorry. I'll tell you when there's another one for you."
)

# -- commands ------------------------------------------------------------------------------
HOSTED = (
    "Your welcome call is on: every {weekday} at {time} ({zone}), for members in {band}, up to {size}. "
    "The first one is **{when}**. I'm making the Discord event and inviting those waiting now. "
    "You'll get a message afterwards to say who came."
)
HOSTED_VOICE = " They'll join you in <#{channel}>."
EVENT_FAILED = (
    "\n\nI couldn't make the Discord event yet (I may need the Create Events permission, "
    "and Connect in that voice channel). I'll keep trying, and the invitations go out once it exists."
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LIST_NONE = "No welcome calls are on yet. An organizer can start one with `/call host`."
LIST_HEAD = "**Welcome calls**"
LIST_LINE = (
    "`#{id}` {band}, every {weekday} at {time} ({zone}), host {host}: next **{when}**, "
    "{interested} of {invited} invited coming (up to {size})"
)
CANCELLED_NEXT = "Done: the call on {when} is off and everyone invited is told. The next one is {next_when}."
CANCELLED_ALL = "Done: your welcome call has ended, and everyone invited to the next one is told."

# -- /mod attention --------------------------------------------------------------------
ATTENTION_CALLS = (
    "**Welcome calls:** {count} scheduled this week, {interested} members coming of {invited} invited."
)
ATTENTION_NO_CALLS = "**Welcome calls:** none scheduled."
ATTENTION_ONE_MORE = "One more weekly welcome call in {band} would reach {count} member(s) waiting there."
ATTENTION_NO_MORE = "Nobody waiting is left out of a welcome call for their time zone."
