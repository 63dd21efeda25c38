"""Mentors and mentees: what the bot says about pairing."""

from __future__ import annotations

from db.enums import OrganizingPath

# -- refusals -------------------------------------------------------------------------
NOT_A_MEMBER = (
    "{who} hasn't finished onboarding yet, so I don't know where they live. Ask them to use `/join` first."
)
NOT_ONBOARDED_SELF = "I don't know you yet! Use `/join` to tell me a little about yourself first."
ALREADY_HAS_MENTOR = "You already have a mentor: {mentor}. Use `/mentor show` to see them."
MEMBER_HAS_MENTOR = "{member} already has a mentor: {mentor}. End that first with `/pairing end`."
MEMBER_HAS_PROPOSAL = "{member} already has a proposed mentor waiting for review."
ALREADY_PROPOSED = (
    "A mentor for you has been found and is being checked by a moderator. You'll hear from me soon!"
)
NOT_AN_ORGANIZER = "{who} isn't an organizer. A moderator can add them with `/organizer add`."
YOU_ARE_NOT_AN_ORGANIZER = "You're not registered as an organizer. If you'd like to mentor, ask a moderator."
ORGANIZER_NOT_CONFIRMED = "{who} hasn't been confirmed as an organizer yet."
ORGANIZER_PAUSED = "{who} has paused taking new mentees."
ORGANIZER_FULL = "{who} has no free place: {active} of {capacity} taken."
SELF_PAIR = "A member can't be their own mentor."
MEMBER_GONE = "That member is no longer in the server."
PAIR_EXCLUDED = "These two were paired before and it didn't fit, so I won't pair them again."
PROPOSAL_GONE = "This proposal was already decided ({status}). Nothing changed."
PROPOSAL_DELETED = "deleted"
PROPOSAL_DECIDED = "decided"
MENTORSHIP_GONE = "This mentorship has already ended."
NOT_YOURS = "This isn't your mentorship, so I can't take your answer."
CAPACITY_RANGE = "Capacity must be between 0 and {maximum}."
BAD_LANGUAGES = "I don't know these language codes: {codes}. Use two-letter codes like en, es, fr."

# -- member side ----------------------------------------------------------------------
REQUESTED = (
    "You're on the list for a mentor. \N{SEEDLING} I look for someone near you who speaks your language and "
    "shares your interests; a moderator checks every pairing. I'll message you when it's done."
)
REQUESTED_PROPOSED = (
    "Good news: I found a possible mentor for you. A moderator will check it, then I'll introduce you."
)
NO_MENTOR = "You don't have a mentor yet. Use `/mentor request` if you'd like one."
MENTOR_IS = "Your mentor is {mentor}, since {since}."
MENTOR_WAITING = "You're waiting for a mentor since {since}."
ASK_FOR_MENTOR_BUTTON = "Yes, I'd like a mentor"

# -- organizers -----------------------------------------------------------------------
ORGANIZER_ADDED_PENDING = "{who} is now an organizer waiting for confirmation (capacity {capacity})."
ORGANIZER_ADDED_ACTIVE = "{who} is now an organizer (capacity {capacity})."
ORGANIZER_REMOVED = "{who} is no longer an organizer; {count} mentee(s) go back on the list for a new mentor."
ORGANIZER_CONFIRMED = "{who} is confirmed as an organizer and can take mentees."
CAPACITY_SET = "Done: you can take up to {capacity} mentee(s)."
CAPACITY_BELOW_ACTIVE = (
    " You have {active} right now; nobody is taken away, but no one new comes until there's room."
)
PAUSED = "You're paused: no new mentees until you `/organizer resume`. Your current mentees stay with you."
RESUMED = "Welcome back! You can take new mentees again."
NO_MENTEES = "You have no mentees right now."
MENTEES_TITLE = "Your mentees"
MENTEE_LINE = "{member} · since {since} · {readiness}"
NO_READINESS = "no check-in yet"

# -- review ---------------------------------------------------------------------------
REVIEW_TITLE = "Proposed pairing"
REVIEW_BODY = (
    "**Member:** {member} ({member_area})\n**Mentor:** {mentor} ({mentor_area})\n"
    "Distance: {distance} · time zones: {timezones}\nShared languages: {languages} · shared paths: {paths}"
)
REVIEW_TIMEZONES = "{member} / {mentor} ({gap:.0f} h apart)"
REVIEW_UNKNOWN_TIMEZONE = "?"
REVIEW_NOTHING_SHARED = "none"
REVIEW_APPROVE = "Approve"
REVIEW_REJECT = "Reject"
REVIEW_ANOTHER = "Pick another"
REVIEW_APPROVED = "\N{WHITE HEAVY CHECK MARK} Approved by {moderator}."
REVIEW_REJECTED = "\N{CROSS MARK} Rejected by {moderator}."
REVIEW_REPLACED = (
    "\N{CLOCKWISE RIGHTWARDS AND LEFTWARDS OPEN CIRCLE ARROWS} {moderator} asked for another mentor."
)
REVIEW_NONE_LEFT = "No other organizer with a free place fits right now; the member stays on the list."
UNKNOWN_AREA = "area not shared"
# "Distance: ..." on the review card. Someone who gave only a region or country has no
# point, so there is no distance to show: say what they share instead, never "0 km".
DISTANCE_KM = "{km:.0f} km"
DISTANCE_UNKNOWN = "unknown"
DISTANCE_UNKNOWN_BOTH_IN = "unknown (both in {area})"
DISTANCE_UNKNOWN_SAME_IN = "unknown (same {level}, in {area})"
DISTANCE_UNKNOWN_SAME = "unknown (same {level})"
AREA_LEVELS = {"district": "county or district", "region": "region", "country": "country"}

# -- introduction ---------------------------------------------------------------------
THREAD_NAME = "Welcome, {member} & {mentor}"
INTRODUCTION = (
    "Hi {member} and {mentor}! \N{WAVING HAND SIGN}\n\n"
    "{member}, meet {mentor}: an experienced organizer who offered to help members get started. "
    "{mentor}, meet {member}.\n\n{about}\n\n**A first step:** {first_step}\n\n"
    "No pressure and no script: a short call to say hello is a great start.{times}"
)
# Two suggested times, rendered by the adapter (on Discord: timestamps on each reader's own clock).
SUGGESTED_TIMES = (
    "\n\n**Two times that could suit you both:** {first} or {second} "
    "(each shown in your own time zone). Pick one, or suggest another."
)
ABOUT_MEMBER = "**About {member}:** {details}"
ABOUT_MENTOR = "**About {mentor}:** {details}"
INTRO_DM = (
    "I'd like to introduce you to {other}. I couldn't open a private thread for you two, so here's the "
    "introduction by message; say hello to each other directly.\n\n{introduction}"
)
INTRO_FAILED = "I couldn't introduce {member} and {mentor} (no thread, and their DMs are closed)."
FIRST_STEPS = {
    OrganizingPath.RUN_FOR_OFFICE: "look up together which local offices are elected next, and when papers are due.",
    OrganizingPath.SOLIDARITY_NETWORK: "list three needs neighbours have that a small group could help with.",
    OrganizingPath.DISCUSSION_GROUP: "pick a short text to read, and one place where a few people could meet.",
    OrganizingPath.COALITIONS: "find three local groups working on something you care about.",
    OrganizingPath.COMMUNITY_LIFE: "pick one local event this month and go.",
    OrganizingPath.REMOTE: "find one online task for the organization that fits the time you have.",
}
DEFAULT_FIRST_STEP = "a 20-minute call to get to know each other."

# -- follow-up ------------------------------------------------------------------------
FOLLOWUP = "Hi! It's been a little while since I introduced you to {other}. How is it going?"
FOLLOWUP_GOING_WELL = "Going well"
FOLLOWUP_NOT_MET = "We haven't met yet"
FOLLOWUP_NOT_A_FIT = "Not a good fit"
FOLLOWUP_THANKS = "Thanks for telling me! \N{SLIGHTLY SMILING FACE}"
FOLLOWUP_NOT_MET_TIP = "No worries. A short message suggesting two times for a call often gets things moving."
FOLLOWUP_NOT_MET_NUDGED = (
    "No worries. I'll let your mentor know too, with two times that could suit you both. "
    "A short message from either of you often gets things moving."
)
MENTOR_NUDGE = (
    "A quick word: {member} says you two haven't met yet. No harm done, it happens. "
    "A short message suggesting a time often gets things moving, for example {first} or {second} "
    "(each shown in your own time zone)."
)
ORGANIZER_REVIEW_CONTENT = "{member} offered to mentor and is waiting for a moderator to confirm them."
ORGANIZER_REVIEW_TITLE = "An organizer to confirm"
ORGANIZER_REVIEW_BODY = (
    "{member} offered to mentor up to {capacity} member(s).\n"
    "**Experience:** {experience}\n**Languages:** {languages}{note}\n\n"
    "Once confirmed, members waiting for a mentor can be proposed to them."
)
ORGANIZER_REVIEW_NOTE = "\n**In their words:** {note}"
ORGANIZER_REVIEW_CONFIRM = "Confirm as organizer"
NOT_AN_ORGANIZER_ANY_MORE = "That member is no longer here, so there is nobody to confirm."
ORGANIZER_REVIEW_CONFIRMED = "{member} was confirmed as an organizer by {moderator}."
ORGANIZER_REVIEW_NO_CHANNEL = (
    "A member offered to mentor and waits for confirmation, but there is no review channel to post "
    "them in. Set one with `/mod settings set review_channel_id`, or confirm them with "
    "`/mod organizer confirm`."
)
ENDED_NOT_A_FIT = "Thanks for being honest. I've ended the pairing and will look for someone who fits better."
ENDED_NOTICE_OTHER = "Your pairing with {other} has ended. Thank you for the time you gave."
ENDED_BY_MODERATOR = "Your mentorship with {other} was ended by a moderator."
MENTOR_LEFT = "Your mentor is no longer available. I've put you back on the list and will find someone new."
PAIRING_ENDED = "Ended the mentorship of {member} with {mentor}."
PAIRING_RUN = "Proposed {count} pairing(s); {waiting} member(s) still waiting."

# -- waiting for a mentor (bot.services.waiting) --------------------------------------
# What opens the message, by why the member hears it (WaitNews).
WAIT_OPENING = {
    "requested": (
        "You're on the list for a mentor. \N{SEEDLING} I look for someone near you who speaks your language "
        "and shares your interests; a moderator checks every pairing."
    ),
    "shown": "You're waiting for a mentor since {since}.",
    "changed": "News about your wait for a mentor:",
    "still_waiting": "You're still on the list for a mentor, and I haven't forgotten you.",
    "not_confirmed": "The mentor I proposed for you couldn't be confirmed this time, so you're back on the list.",
    "back_on_list": "You're back on the list for a new mentor.",
}
WAIT_PLACE_NEXT = "next"
WAIT_PLACE_NUMBER = "number {position}"
# Where they stand, by the rough wait (WaitBucket).
WAIT_STANDING = {
    "room": "You're {place} on the list, and a mentor has room now: you'll hear from me within {wait}.",
    "week": "You're {place} on the list; at the pace mentors have been free lately that's about {wait}.",
    "weeks": "You're {place} on the list; at the pace mentors have been free lately that's about {wait}.",
    "unknown": (
        "You're {place} on the list. I can't say yet how long: there's no free place right now, and no "
        "mentor has started with someone lately."
    ),
}
WAIT_LATER = "I'll tell you when that changes."
WAIT_A_DAY = "a day"
WAIT_DAYS = "{count} days"
WAIT_WEEKS = "{count} weeks"
WAIT_MONTHS = "{count} months"
MEANWHILE_TITLE = "Meanwhile, you don't have to wait alone:"
# One line per thing a waiting member can do (Meanwhile).
MEANWHILE = {
    "circle": "\N{BULLET} your local circle is there for you: `/circle`",
    "near_circle": "\N{BULLET} a local circle meets near you: say yes when I offer you a place in it",
    "buddy": "\N{BULLET} your buddy, another member starting out like you: `/buddy`",
    "buddy_later": (
        "\N{BULLET} a buddy, another member starting out like you: if your wait runs long I'll offer you one "
        "(`/buddy`)"
    ),
    "welcome_call": (
        "\N{BULLET} a small welcome call with an organizer and others starting out: your invitation is in "
        "your DMs (`/call list`)"
    ),
    "neighbours": "\N{BULLET} meet members near you as they join: turn offers back on with `/neighbours`",
    "practice": "\N{BULLET} practise making your case on a short call with another member: `/practice`",
    "log": "\N{BULLET} note what you do locally, to share with your mentor later: `/log add`",
}
