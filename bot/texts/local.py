"""Local life: neighbours, circles, practice partners and the activity log. Written for someone
who has never organized anything and is a little nervous about it."""

from __future__ import annotations

from db.enums import ActivityKind, OrganizingPath

# -- neighbours -----------------------------------------------------------------------
NEIGHBOUR_OFFER = (
    "Good news: **{count}** member(s) live within {radius:.0f} km of you. \N{HOUSE WITH GARDEN}\n"
    "Want to meet them? I'll ask each of them first, and introduce you only to those who say yes. "
    "I won't tell anyone your town unless you chose to share it."
)
OFFER_YES = "Yes, introduce us"
OFFER_LATER = "Not now"
OFFER_NEVER = "Don't ask me again"
OFFER_ASKED = (
    "Lovely! I've asked {count} neighbour(s). I'll open a private thread with each one who says yes."
)
OFFER_NOBODY_LEFT = (
    "The members near you can't be asked right now. I'll let you know when someone new arrives."
)
OFFER_LATER_DONE = "No problem. I'll mention it again when someone new moves in near you."
OFFER_MUTED = "Got it: I won't offer to introduce you to neighbours again."
OFFER_GONE = "I can't find that offer any more."
OFFER_ANSWERED = "You've already answered this one. \N{SLIGHTLY SMILING FACE}"
NOT_YOUR_OFFER = "This question was meant for someone else."

ASK_NEIGHBOUR = (
    "Hi! A member who lives within {radius:.0f} km of you ({area}) would like to meet neighbours. "
    "{paths}\nWould you like me to introduce you? Nothing is shared unless you say yes."
)
ASK_AREA_UNSHARED = "they keep their town private"
ASK_PATHS = "They'd like to: {paths}."
ASK_YES = "Yes, introduce us"
ASK_NO = "No, thanks"
ASK_NEVER = "Don't ask me again"
ASK_THANKS_YES = "Wonderful! I've opened a private conversation for you two. Say hello!"
ASK_THANKS_NO = "No problem, thanks for letting me know. They won't be told who you are."
ASK_MUTED = "Understood: I won't ask you about neighbours again."
INTRO_GONE = "This introduction isn't possible any more (one of you has left or it was already settled)."
NOT_YOUR_INTRO = "This question was meant for someone else."

NEIGHBOUR_THREAD_NAME = "Neighbours: {first} & {second}"
NEIGHBOUR_INTRODUCTION = (
    "Hi {first} and {second}! \N{WAVING HAND SIGN} You both said you'd like to meet members who live "
    "near you, so here you are.\n\n{about}\n\n**A first step:** {first_step}\n\n"
    "There's no right way to do this: a short hello and a time that suits you both is plenty.{times}"
)
ABOUT_NEIGHBOUR = "**{who}:** {details}"
AREA_PRIVATE = "lives nearby"
NEIGHBOUR_FIRST_STEPS = {
    OrganizingPath.DISCUSSION_GROUP: "start a small discussion group: pick a short text and a café to meet in.",
    OrganizingPath.COMMUNITY_LIFE: "go together to a local event this month: a market, a meeting, a fair.",
    OrganizingPath.SOLIDARITY_NETWORK: "list together three needs your neighbours have that you could help with.",
    OrganizingPath.RUN_FOR_OFFICE: "meet for a coffee and look up which local seats are elected next.",
    OrganizingPath.COALITIONS: "go together to a meeting of a local group you both care about.",
}
NEIGHBOUR_DEFAULT_STEP = "meet for a coffee and talk about what you'd like to see happen where you live."
NEIGHBOUR_INTRO_DM = (
    "I couldn't open a private thread, so here's the introduction by message. "
    "Say hello to {other} directly!\n\n{introduction}"
)

# -- circles --------------------------------------------------------------------------
CIRCLE_NAME = "{place} circle"
CIRCLE_NAME_FALLBACK = "Local circle {number}"
CIRCLE_REVIEW_TITLE = "Proposed local circle: {name}"
CIRCLE_REVIEW_BODY = (
    "**{count}** members who live near each other (all within {radius:.0f} km of one of them) said yes "
    "to meeting neighbours:\n{members}\n\n**Nearest organizer:** {organizer}\n\n"
    "Approve to open a private space with them."
)
CIRCLE_NO_ORGANIZER = "none available yet"
CIRCLE_ORGANIZER = "{who} ({distance:.0f} km away)"
CIRCLE_APPROVE = "Open the circle"
CIRCLE_REJECT = "Not now"
CIRCLE_APPROVED = "\N{WHITE HEAVY CHECK MARK} {moderator} opened this circle."
CIRCLE_REJECTED = "\N{CROSS MARK} {moderator} decided not to open this circle for now."
CIRCLE_DECIDED = "This circle was already decided ({status}). Nothing changed."
CIRCLE_GONE = "I can't find that circle any more."
CIRCLE_TOO_FEW = "Fewer than two of these members are still here, so there's no circle to open."
CIRCLE_NO_SPACE = (
    "I opened the circle **{name}** but couldn't create its channel or thread. Set a circles category "
    "or an introductions channel (and check my permissions), then add the members by hand."
)
CIRCLE_STARTER = (
    "Welcome to **{name}**! \N{SEEDLING} {members}: you all live near each other and said you'd like "
    "to meet. {organizer}\n\n{paths}\n\n**A first step:** {first_step}"
)
CIRCLE_STARTER_ORGANIZER = "{who} is an experienced organizer nearby and is here to help."
CIRCLE_STARTER_PATHS = "What you'd like to build: {paths}."
CIRCLE_FIRST_STEP = "say hello, and find one evening when a few of you could meet for a coffee."
CIRCLE_WELCOME_NEW = "Please welcome {who}, who lives nearby and just joined the circle! \N{WAVING HAND SIGN}"
CIRCLE_OFFER = (
    "There's a local circle near you: **{name}**, with {size} member(s). "
    "It's a small private space to meet and start things together. Would you like to join?"
)
CIRCLE_OFFER_JOIN = "Join the circle"
CIRCLE_OFFER_NO = "No, thanks"
CIRCLE_JOINED = "Welcome aboard! You're in **{name}**{where}."
CIRCLE_JOINED_WHERE = ": {link}"
CIRCLE_OFFER_DECLINED = "No problem. If you change your mind, a moderator can add you."
CIRCLE_OFFER_ANSWERED = "You've already answered this one."
NOT_YOUR_CIRCLE_OFFER = "This invitation was meant for someone else."
CIRCLE_NONE = (
    "You're not in a local circle yet. When a few members near you say yes to meeting neighbours, "
    "I'll suggest one."
)
CIRCLE_SHOW = "**{name}** · {size} member(s){where}{organizer}\nYou joined {since}."
CIRCLE_SHOW_ORGANIZER = " · with an organizer"
CIRCLE_SHOW_PROPOSED = "A local circle near you is being set up; a moderator will open it soon."
CIRCLE_SHOW_OFFERED = "There's a circle near you, **{name}**: check your DMs to join."
CIRCLE_LEAVE = "Leave the circle"
CIRCLE_LEFT = "You've left **{name}**. You're always welcome back."
CIRCLE_LEFT_NOTICE = "A member has left the circle."
CIRCLE_CLOSED_NOTICE = "Everyone has left this circle, so I've closed it. Thank you all!"
CIRCLE_CLOSED_MODS = "The local circle **{name}** closed: every member has left."
CIRCLES_TITLE = "Local circles"
CIRCLES_NONE = "There are no local circles yet."
CIRCLES_LINE = "**{name}** · {status} · {size} member(s) · {activity} log entries in 30 days · {organizer}"
CIRCLES_HAS_ORGANIZER = "organizer \N{WHITE HEAVY CHECK MARK}"
CIRCLES_NO_ORGANIZER = "no organizer"
AND_MORE = "…and {count} more."

# -- practice -------------------------------------------------------------------------
PRACTICE_WAITING = (
    "You're on the list for a practice partner. \N{STUDIO MICROPHONE} I'll pair you with the next member "
    "in a similar time zone who asks, and message you both."
)
PRACTICE_ALREADY_WAITING = "You're already waiting for a practice partner, since {since}."
PRACTICE_STOP = "Stop waiting"
PRACTICE_STOPPED = "Done: you're off the practice list."
PRACTICE_NOT_WAITING = "You're not waiting for a practice partner."
PRACTICE_PAIRED = "I found you a practice partner! I've opened a conversation for you both."
PRACTICE_THREAD_NAME = "Practice: {first} & {second}"
PRACTICE_INTRODUCTION = (
    "Hi {first} and {second}! \N{STUDIO MICROPHONE} You both asked for a practice partner.\n\n"
    "**Suggested time:** {when}{or_else} (Discord shows times in your own time zone){local}\n\n"
    "A 20-minute call is plenty. Take turns: one speaks, the other listens and says one thing that "
    "worked and one thing to try.\n\n{scripts}\n\nNobody is judging: everyone starts somewhere."
)
PRACTICE_SECOND = ", or else {when}"
PRACTICE_LOCAL = "\n{lines}"
PRACTICE_LOCAL_LINE = "· {who}: {time} ({zone})"
PRACTICE_SCRIPT_LINE = "**{who} practises:** {script}"
PRACTICE_SCRIPTS = {
    OrganizingPath.RUN_FOR_OFFICE: (
        "the 2-minute case for your candidacy at a door: who you are, the one local problem you'd "
        "fix, and what you're asking for."
    ),
    OrganizingPath.SOLIDARITY_NETWORK: (
        "asking a neighbour what they need: introduce yourself, ask one open question, listen, "
        "and suggest one way to help."
    ),
    OrganizingPath.DISCUSSION_GROUP: (
        "inviting someone to a reading group: what you'll read, why it matters to you, when and where."
    ),
    OrganizingPath.COALITIONS: (
        "a first call with a local group: who we are, what we have in common, one thing to do together."
    ),
    OrganizingPath.COMMUNITY_LIFE: (
        "a friendly 1-minute introduction of yourself at a local event, and one question to ask back."
    ),
    OrganizingPath.REMOTE: ("explaining in plain words, in 2 minutes, why the organization matters to you."),
}
PRACTICE_INTRO_DM = "I couldn't open a private thread, so here are the details by message.\n\n{introduction}"
PRACTICE_FOLLOWUP = "Did your practice call with {other} happen?"
PRACTICE_FOLLOWUP_YES = "Yes, it did"
PRACTICE_FOLLOWUP_NO = "Not this time"
PRACTICE_THANKS_YES = "Well done! \N{CLAPPING HANDS SIGN} I've added it to your activity log."
PRACTICE_THANKS_NO = "That's fine: plans slip. Use `/practice` again whenever you'd like another go."
PRACTICE_ANSWERED = "You've already answered this one."
PRACTICE_GONE = "I can't find that practice call any more."
NOT_YOUR_PRACTICE = "This question was meant for someone else."

# -- activity log ---------------------------------------------------------------------
ACTIVITY_LABELS = {
    ActivityKind.TALKED_TO_NEIGHBOURS: "Talked to neighbours",
    ActivityKind.ATTENDED_MEETING: "Attended a meeting",
    ActivityKind.FILED_PAPERS: "Filed papers to run",
    ActivityKind.STARTED_GROUP: "Started a group",
    ActivityKind.PRACTICE_CALL: "Practice call",
    ActivityKind.OTHER: "Something else",
}
LOG_SAVED = "Logged: **{kind}**. \N{SEEDLING} Every small step counts."
LOG_SAVED_PRIVATE = (
    " Only you (and moderators, as a count) can see it. Use `/log share` to show your mentor and circle."
)
LOG_SAVED_SHARED = " Your mentor and circle can see it."
LOG_SHARED_POST = "\N{SEEDLING} {who} logged: **{kind}**{note}"
LOG_NOTE = ": “{note}”"
LOG_SHARE_ON = "Your mentor and your circle can now see your activity log. Thank you for sharing!"
LOG_SHARE_OFF = "Your activity log is private again: only you see it (moderators see counts)."
LOG_TITLE = "Activity log of {who}"
LOG_EMPTY = "Nothing logged yet. Use `/log add` after you've done something locally, however small."
LOG_LINE = "{when} · **{kind}**{note}"
LOG_COUNTS = "In the last 30 days: {counts}"
LOG_COUNTS_ONLY = "{who} keeps their log private; as a moderator you see counts only."
LOG_PRIVATE = "{who} keeps their activity log private."
LOG_NOT_ONBOARDED = "I don't know {who} yet: they haven't finished onboarding."
NOT_ONBOARDED = "I don't know you yet! Use `/join` to tell me a little about yourself first."
OFFERS_ON = (
    "Done: I may offer you to meet members who live near you. Nobody is introduced without both saying yes."
)
OFFERS_OFF = (
    "Done: I won't offer you to meet neighbours. Use `/neighbours offers:True` whenever you change your mind."
)
