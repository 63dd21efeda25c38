"""Local life on Matrix: neighbours, circles, buddies and practice partners, as notices in a direct
room answered with a word ("yes") or a `!gw` command carrying the question's code ("!gw yes n12").

Discord's wording (bot/texts/local, bot/texts/buddies) is kept where it is not about Discord; what
names threads, buttons or slash commands is said here the Matrix way. People are named by their
Matrix ids, as plain text that pings nobody.
"""

from __future__ import annotations

# How each question is answered: a word, or the command with the question's code.
CHOICES_YES_NO_NEVER = (
    "Reply **yes**, **no** or **never** (never: don't ask me this again). "
    "Or: !gw yes {code} · !gw no {code} · !gw never {code}"
)
CHOICES_NOT_NOW = (
    "Reply **yes**, **not now** or **never** (never: don't ask me this again). "
    "Or: !gw yes {code} · !gw no {code} · !gw never {code}"
)
CHOICES_JOIN = "Reply **yes** to join, or **no**. Or: !gw yes {code} · !gw no {code}"
CHOICES_HAPPENED = "Reply **yes** or **no**. Or: !gw yes {code} · !gw no {code}"
CHOICES_TALKED = (
    "Reply **yes** (we talked), **not yet**, or **not a fit**. "
    "Or: !gw yes {code} · !gw no {code} · !gw never {code}"
)

HELP_YES = "yes to a question I asked you (add its code, like n12, if I asked more than one)"
HELP_NO = "no (or not now) to a question I asked you"
HELP_NEVER = "no, and don't ask me that again"
HELP_CIRCLE = "your local circle"
HELP_CIRCLE_LEAVE = "leave your local circle"
HELP_CIRCLE_APPROVE = "moderators: open a proposed circle (its number), in the moderators' room"
HELP_CIRCLE_REJECT = "moderators: do not open a proposed circle (its number)"

WHICH_QUESTION = (
    "Which question is that for? Add the code from my message, like **!gw yes n12**. "
    "(I may have restarted since I asked: the code always works.)"
)
UNKNOWN_CODE = "I don't recognise **{code}**. The code is in my message, like n12."
NOT_THAT_CHOICE = "That question takes **yes** or **no**."

# -- neighbours -----------------------------------------------------------------------
OFFER_ASKED = "Lovely! I've asked {count} neighbour(s). I'll open a private room with each one who says yes."
ASK_THANKS_YES = "Wonderful! I'm opening a private room for you two: accept my invitation and say hello!"
NEIGHBOUR_INTRO_DM = (
    "I couldn't open a private room, so here's the introduction by message. "
    "Say hello to {other} directly!\n{introduction}"
)
NEIGHBOUR_INTRO_FAILED = (
    "I couldn't introduce the neighbours {first} and {second}: no private room could be made and "
    "neither could be reached by message."
)

# -- circles --------------------------------------------------------------------------
CIRCLE_REVIEW = (
    "**Proposed local circle #{circle_id}: {name}**\n"
    "{count} members who live near each other (all within {radius:.0f} km of one of them) said yes "
    "to meeting neighbours: {members}\n"
    "Nearest organizer: {organizer}\n"
    "To open a private room for them in the space: **!gw circle approve {circle_id}** "
    "(or **!gw circle reject {circle_id}**)."
)
CIRCLE_APPROVED = (
    "\N{WHITE HEAVY CHECK MARK} {moderator} opened **{name}**. I'm making its room in the space."
)
CIRCLE_REJECTED = "\N{CROSS MARK} {moderator} decided not to open **{name}** for now."
CIRCLE_NUMBER = "Which circle? Give its number, like **!gw circle approve 3**."
CIRCLE_NO_ROOM = (
    "I opened the circle **{name}** but the homeserver refused to make its room. Check that I may "
    "make rooms (and add them to the space), then invite the members by hand."
)
CIRCLE_JOINED = "Welcome aboard! You're in **{name}**: I've invited you to its room."
CIRCLE_JOINED_SOON = "Welcome aboard! You're in **{name}**: I'll invite you to its room in a moment."
CIRCLE_SHOW = "**{name}** · {size} member(s){organizer}\nYou joined {since}."
CIRCLE_SHOW_OFFERED = "There's a circle near you, **{name}**: reply **yes** to my message about it to join."
CIRCLE_LEAVE_REASON = "left the local circle"
CIRCLE_CLOSED_REASON = "the local circle closed"

# -- buddies --------------------------------------------------------------------------
BUDDY_INTRODUCING = "Everyone said yes! I'm opening a private room for you now: accept my invitation."
BUDDY_MUTED = "Got it: no buddy offers. Tell a moderator if you'd like them back on."
BUDDY_THANKS_NOT_YET = "That's fine, it happens. A short message in your room is a good start."
BUDDY_LEFT_FOR_YOU = "Your buddy has left the community. I'll look for someone new for you soon."
BUDDY_ROOM_NAME = "Buddies: {names}"
BUDDY_INTRO_DM = "I couldn't open a private room, so here is your introduction by message.\n{introduction}"
BUDDY_INTRO_FAILED = (
    "I couldn't introduce the buddies {who}: no private room could be made and none of them could be "
    "reached by message."
)

# -- practice -------------------------------------------------------------------------
PRACTICE_INTRODUCTION = (
    "Hi {first} and {second}! \N{STUDIO MICROPHONE} You both asked for a practice partner.\n"
    "**Suggested time:** {when}{or_else}\n"
    "A 20-minute call is plenty. Take turns: one speaks, the other listens and says one thing that "
    "worked and one thing to try.\n{scripts}\nNobody is judging: everyone starts somewhere."
)
PRACTICE_INTRO_DM = "I couldn't open a private room, so here are the details by message.\n{introduction}"
PRACTICE_ALREADY_WAITING = "You're already waiting for a practice partner, since {since}."
HELP_PRACTICE = "ask for a practice partner: a 20-minute call to practise with another member"
PRACTICE_THANKS_NO = (
    "That's fine: plans slip. Ask for another practice partner whenever you'd like another go."
)

# -- a mentor's nudge, an organizer to confirm ----------------------------------------
MENTOR_NUDGE = (
    "A quick word: {member} says you two haven't met yet. No harm done, it happens. "
    "A short message suggesting a time often gets things moving, for example {first} or {second}."
)
ORGANIZER_REVIEW = (
    "**An organizer to confirm (#{member_id})**\n"
    "{member} offered to mentor up to {capacity} member(s).\n"
    "Experience: {experience}\nLanguages: {languages}{note}\n"
    "Once confirmed, members waiting for a mentor can be proposed to them. "
    "To confirm: **!gw organizer confirm {member_id}**"
)
ORGANIZER_REVIEW_NOTE = "\nIn their words: “{note}”"
ORGANIZER_REVIEW_NO_ROOM = (
    "A member offered to mentor and waits for confirmation, but I have no moderators' room to post "
    "them in. Set [matrix] moderators_room_id, then confirm them there with !gw organizer confirm."
)
ORGANIZER_NUMBER = "Which organizer? Give the number from the review, like **!gw organizer confirm 12**."
ORGANIZER_CONFIRMED = "{member} was confirmed as an organizer by {moderator}."
HELP_ORGANIZER_CONFIRM = "moderators: confirm a member who offered to mentor (the review's number)"
