"""What moderators read on Matrix: `!gw mod ...` in the moderators' room, and notices there."""

HELP_MOD_OVERVIEW = "Moderators: who is where, and who needs attention (in the moderators' room)"
HELP_MOD_UNATTENDED = (
    "Moderators: members nobody has met yet, longest waiting first (in the moderators' room)"
)
HELP_MOD_APPROVE = "Moderators: approve proposed mentorship N, and I introduce the two (!gw mod approve N)"
HELP_MOD_REJECT = (
    "Moderators: turn down proposed mentorship N; the member stays on the list (!gw mod reject N)"
)
PROPOSAL_NUMBER = "Which proposal? Send !gw mod {command} and its number, as in the proposal's message."

NOT_HERE = "Moderator commands work only in the moderators' room. Send it there."
NO_ROOM = "No moderators' room is set up yet ([matrix] moderators_room_id), so I take no moderator commands."
NOT_ALLOWED = (
    "Sorry, only moderators can use that: your power level in this room is {yours}, and it takes {needed}."
)
NO_POWER_LEVELS = (
    "I couldn't read this room's power levels just now, so I can't tell who moderates. Please try again."
)
OVERVIEW_UNATTENDED = "**Nobody has met them yet:** {count} (see !gw mod unattended)"
NEXT_PAGE = "More: !gw mod unattended {page}"
NOT_SET_UP = "This community isn't set up in groundwork yet: nobody has joined through me so far."

# The durable steps (bot/services/outbox) on Matrix.
STEP_GIVEN_UP = "I tried {attempts} times and couldn't finish {what}. You may want to do it by hand."
STEP_UNKNOWN = "a step on Matrix ({kind})"
