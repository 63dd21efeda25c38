"""What onboarding and introductions say on Matrix, where there are no buttons: every question is
a message with numbered choices, answered by replying with a number (or the choice's words).

The questions themselves are bot/texts/onboarding's; only what names a button, a form or a slash
command is said again here. `**` marks emphasis (matrix_adapter/render.py).
"""

from __future__ import annotations

from db.enums import Experience, LocaleSharing

HELP_START = "Tell me about yourself (or continue where you stopped)"
HELP_RESTART = "Start the questions about yourself again from the top"
HELP_MENTOR = "Ask for an experienced organizer to help you get started"

# -- starting ------------------------------------------------------------------------
WELCOME = (
    "Welcome to **{community}**! \N{WAVING HAND SIGN}\n"
    "I'm groundwork, the community's helper for organizing where you live. "
    "Most of our members are the only one in their town, so nobody is expected to know where to start.\n"
    "I'll ask you a few short questions (about five minutes). Answer each by replying here: "
    "with a number where I list choices. You can stop at any time and pick up later with !gw start."
)
WELCOME_BACK = (
    "Welcome back to **{community}**! Everything you told me before is still here. "
    "Send !gw restart if you'd like to go through the questions again."
)
COMMUNITY = "the community"  # when the space has no name the bot knows
RESUMED = "Welcome back! Let's continue where you left off."
ALREADY_ONBOARDED = (
    "You've already told me about yourself. \N{SLIGHTLY SMILING FACE} "
    "Send !gw restart if you'd like to go through the questions again."
)
NOT_A_MEMBER = "I only talk about this with members of {community}. Join it, and I'll write to you."
SESSION_EXPIRED = "This conversation timed out. No problem: send !gw start to pick it up again."
SESSION_FINISHED = "You've already finished this. Send !gw restart to go through the questions again."
STALE_STEP = "That answer was for an earlier question (answered meanwhile). Here's where we are now:"
NOT_IN_COMMUNITY = "It looks like you're no longer in the community, so I've stopped here."
REMINDER = (
    "Hi! You started telling me about yourself in **{community}** but didn't finish. "
    "It only takes a few more minutes: send !gw start and I'll ask the question where you stopped."
)
EXPIRED = (
    "Your unfinished introduction in **{community}** has timed out. "
    "Whenever you're ready, send !gw start to begin again."
)

# -- answering -----------------------------------------------------------------------
REPLY_NUMBER = "Reply with a number."
REPLY_NUMBERS = "Reply with one or more numbers, e.g. **1 3**."
REPLY_NUMBERS_UP_TO = "Reply with up to {limit} numbers, e.g. **1 3**."
REPLY_PLACE = "Reply with the name of your town or city (or your county, region or country)."
REPLY_PLACE_OR_NUMBER = REPLY_PLACE + " Or reply with the number."
REPLY_EXPERIENCE = (
    "Reply with a number. After 2 or 3 you may add a few words about what you did, "
    "e.g. **2 a tenants' group**."
)
REPLY_SCORES = "Reply with three numbers from 1 to 5, one for each line, e.g. **3 4 2**."
REPLY_CONSENT = (
    "Reply with two numbers: who may see where you live, then whether an organizer may contact you. "
    "E.g. **2 1**."
)
REPLY_SUMMARY = "Reply **1** to confirm, or the number of the answer you'd like to change."
UNCLEAR = "Sorry, I didn't understand that. {how}"
CHOICE = "**{number}** · {label}"
SUGGESTED = "{label} (suggested)"
CHOSEN = "{label} (your answer)"

# The place step, where Discord says "the first button".
PLACE_PROMPT = (
    "**Where do you live?**\n"
    "Just the town or city is enough, e.g. Leeds, Portland, Maine or São Paulo. "
    "Nobody else sees this unless you agree to it later."
)
PLACE_NOT_FOUND = (
    "I couldn't find a town called **{echo}**. If it's small, try the nearest bigger town, "
    "or your postal code. Or just tell me your county, region or country: that's fine too."
)
PLACE_NOT_FOUND_PLAIN = (
    "I couldn't find that place. If it's small, try the nearest bigger town, or your postal code. "
    "Or just tell me your county, region or country: that's fine too."
)
USE_AREA = "Just use {area}"
PLACE_CONFIRM_YES = "Yes, that's right"
PLACE_CONFIRM_TZ = "A different time zone"
PLACE_CONFIRM_WRONG = "That's not my place"
PLACE_PICK_NONE = "None of these"
TIMEZONE_CHOICE = "{zone} ({time} there now)"

EXPERIENCE_LABELS = {
    Experience.NEW: "New to organizing",
    Experience.SOME: "Some experience",
    Experience.EXPERIENCED: "Experienced organizer",
}
MENTORING_NONE = "Not right now"
MENTORING_COUNT = "Yes, up to {count}"
SHARING_TITLE = "Who may see where you live?"
CONTACT_TITLE = "May an organizer contact you?"
SHARING_LABELS = {
    LocaleSharing.TOWN: "Other members may see my town",
    LocaleSharing.REGION: "Only my region",
    LocaleSharing.NOTHING: "Nobody: keep it private",
}
CONTACT_YES = "Yes, an organizer may contact me"
CONTACT_NO = "No, not for now"
SCORE_SCALE = "1 = not at all · 5 = very"

SUMMARY_CONFIRM = "Confirm: that's all right"
SUMMARY_CHANGE = "Change {what}"
SUMMARY_LINE = "{field}: {value}"

# -- after confirming -----------------------------------------------------------------
DONE_AREA_FAR = (
    "I know your area but not your town, so I can't tell how close they are. Meanwhile an "
    "experienced organizer can help you get started."
)
DONE_AREA_FAR_ORGANIZER = (
    "I know your area but not your town, so I can't tell how close newcomers are. "
    "Send !gw restart to tell me your town."
)
DONE_NEXT = "Next: say hello in the community's rooms. Send !gw help any time to see what I can do."
MENTOR_OFFER = (
    "About that experienced organizer: would you like one to help you get started? "
    "Reply **yes** and I'll look for someone; you'll be introduced in a private room."
)
MENTOR_NOT_NOW = "No problem. If you change your mind, send !gw mentor."
ANNOUNCE_FROM = "\N{SEEDLING} A new member joined from **{area}**. Welcome!"
ANNOUNCE_PLAIN = "\N{SEEDLING} A new member joined. Welcome!"

# -- pairing --------------------------------------------------------------------------
NOT_ONBOARDED_SELF = "I don't know you yet! Send !gw start to tell me a little about yourself first."
ALREADY_HAS_MENTOR = "You already have a mentor: {mentor}."
PROPOSAL = (
    "**Proposed mentorship #{number}:** {member} ({member_area}) with {mentor} ({mentor_area}), {distance}.\n"
    "Send !gw mod approve {number} to introduce them, or !gw mod reject {number}."
)
ROOM_NAME = "Welcome, {member} & {mentor}"
SUGGESTED_TIMES = (
    "\n**Two times that could suit you both:** {first} or {second}. Pick one, or suggest another."
)
TIME = "{utc} UTC ({local})"
LOCAL_TIME = "{time} for {who}"
INTRO_DM = (
    "I'd like to introduce you to {other}. I couldn't open a private room for you two, so here's the "
    "introduction by message; say hello to each other directly.\n{introduction}"
)
INTRO_FAILED = "I couldn't introduce {member} and {mentor} (no room, and no direct message reached them)."
ENDED = "Your mentorship with {other} has ended."
ENDED_BY_MODERATOR = "Your mentorship with {other} was ended by a moderator."
