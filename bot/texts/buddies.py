"""Peer buddies: for a member alone in their area with no mentor free soon. Written for someone
who has never organized anything and is a little nervous about it."""

from __future__ import annotations

from db.enums import OrganizingPath

# -- the offer ------------------------------------------------------------------------
OFFER = (
    "Hi! Mentors are all busy right now, and I don't want you to wait on your own. "
    "{count_text} in the same spot as you: the only one in their area, getting started too. "
    "Want me to introduce you as buddies? Nothing formal: someone to swap ideas with.\n\n"
    "{about}\n\n"
    "I'll only introduce you if everyone says yes. You stay on the list for a mentor either way."
)
OFFER_ONE = "There's another member"
OFFER_TWO = "There are two other members"
OFFER_ABOUT = "\N{BULLET} {area}; interested in {paths}"
OFFER_SOMEWHERE = "somewhere not too far, time-wise"
OFFER_OPEN_PATHS = "finding their way"
YES = "Yes, introduce us"
NO = "Not this time"
NEVER = "Don't offer me a buddy"
THANKS_YES = "Lovely! \N{SLIGHTLY SMILING FACE} I'll introduce you as soon as everyone has said yes."
INTRODUCING = "Everyone said yes! I'm opening a private thread for you now."
THANKS_NO = "No problem at all. I'll look again in a while."
MUTED = "Got it: no buddy offers. You can turn them back on with `/buddy offers:True`."
CALLED_OFF = "This one didn't work out, but I'll look for someone else for you soon."
GONE = "I can't find that buddy offer any more."
ANSWERED = "You've already answered this one. \N{SLIGHTLY SMILING FACE}"
NOT_YOURS = "This question was meant for someone else."
NOT_ONBOARDED = "I don't know you yet! Use `/join` to tell me a little about yourself first."

# -- the introduction -----------------------------------------------------------------
THREAD_NAME = "Buddies: {names}"
INTRODUCTION = (
    "{who}: meet your buddies! \N{WAVING HAND SIGN} You're each the only member in your area for now, "
    "so you can help each other get started.\n\n"
    "{about}\n\n"
    "**To break the ice:** {icebreaker}\n"
    "{languages}"
    "**Two times that suit you all:** {first} or {second}. Or pick your own: "
    "a 20-minute call is plenty.\n\n"
    "I'll check in with you in a week."
)
ABOUT_LINE = "\N{BULLET} {who}: {area}; {paths}"
ABOUT_NOWHERE = "area not shared"
ICEBREAKER_SHARED_PATH = "you all want to {path}. What would a first small step look like where you live?"
ICEBREAKER_EXPERIENCE = (
    "{who} has organized before. What do you wish you had known at the start? "
    "And everyone: what made you join?"
)
ICEBREAKER_PATHS = (
    "each of you picked something different. Say why you picked yours, and what worries you about it."
)
LANGUAGES = "You can all speak {languages}.\n"
INTRO_DM = "I couldn't open a private thread, so here is your introduction by message.\n\n{introduction}"
INTRO_FAILED = (
    "I couldn't introduce the buddies {who}: no private thread could be opened, and their DMs are closed. "
    "Could someone introduce them by hand?"
)
PATH_GOALS = {
    OrganizingPath.RUN_FOR_OFFICE: "run for local office",
    OrganizingPath.SOLIDARITY_NETWORK: "start a solidarity network",
    OrganizingPath.DISCUSSION_GROUP: "start a discussion group",
    OrganizingPath.COALITIONS: "build coalitions with local groups",
    OrganizingPath.COMMUNITY_LIFE: "get to know people in your community",
    OrganizingPath.REMOTE: "contribute remotely",
}

# -- a week later ---------------------------------------------------------------------
FOLLOWUP = "It's been a week since I introduced you to {others}. Did you manage to talk?"
FOLLOWUP_IN_THREAD = "{who}: it's been a week! Did you manage to talk?"
IN_THREAD = "{who}: {text}"
TALKED = "Yes, we talked"
NOT_YET = "Not yet"
NOT_A_FIT = "Not a good fit"
THANKS_TALKED = "That's great to hear! \N{SPARKLES} Keep it going."
THANKS_NOT_YET = "That's fine, it happens. A short message in your thread is a good start."
THANKS_NOT_A_FIT = "Thanks for telling me. I'll look for someone else for you, and not the same person."
ENDED_FOR_YOU = (
    "Your buddy introduction has ended (it wasn't quite the right fit). "
    "No worries: I'll look for someone new for you."
)
LEFT_FOR_YOU = "Your buddy has left the server. I'll look for someone new for you soon."
GONE_FOR_YOU = (
    "Your buddy has stepped away from groundwork, so your buddy introduction has ended. "
    "That's nothing you did: I'll look for someone new for you soon."
)

# -- /buddy ---------------------------------------------------------------------------
MINE_INTRODUCED = "Your buddies: {others}.{thread}"
MINE_THREAD = " Your thread: <#{thread}>"
MINE_OFFERED = "I've offered you a buddy: your answer (or theirs) is still to come."
MINE_NONE = (
    "You don't have a buddy right now. If you're the only one in your area and a mentor is a while away, "
    "I'll offer you one."
)
MINE_OPTED_OUT = "You asked me not to offer you a buddy. `/buddy offers:True` turns offers back on."
OFFERS_ON = "Buddy offers are on. I'll offer you one when the time comes."
