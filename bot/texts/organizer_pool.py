"""Growing the organizer pool: a mentee suggested to their mentor, asked, and confirmed."""

# To the mentor, by DM.
SUGGEST = (
    "{member} has come a long way: their last two check-ins average {readiness:.1f} of 5, and "
    "they have been active locally. Could they help others get started, as a buddy guide or an "
    "organizer with one mentee? If you endorse them, I'll ask them."
)
SUGGEST_ENDORSE = "Endorse"
SUGGEST_NOT_YET = "Not yet"
ENDORSED = "Thank you! I've asked {member} whether they'd like to."
NOT_YET = "Understood: not yet. I won't ask them now."
NOT_YOUR_MENTEE = "Only their mentor can answer this."
ASK_UNDELIVERED = (
    "I couldn't reach {member} by DM (their DMs may be closed). Could you ask them to open them, "
    "then press Endorse again?"
)

# To the member, by DM.
ASK = (
    "Your mentor thinks you could help others get started: would you like to? You'd begin as an "
    "organizer with one mentee, and you can pause or change that any time."
)
ASK_YES = "Yes, I'd like to"
ASK_NO = "No thanks"
ACCEPTED = "Wonderful! A moderator will confirm it soon, and I'll let you know."
ACCEPTED_NO_REVIEW = (
    "Wonderful! The moderators have no review channel yet: I've told them, and I'll let you know."
)
DECLINED = "That's fine: nothing changes. Thank you for everything you do locally."
NOT_FOR_YOU = "This question was for someone else."

# To the moderators, in the review channel.
REVIEW_TITLE = "A mentee could mentor others"
REVIEW_BODY = (
    "{member}, mentored by {mentor}, averages {readiness:.1f} of 5 on their last two check-ins and "
    "has been active locally. Their mentor endorsed them and they said yes. Confirm them as an "
    "organizer with one mentee?"
)
REVIEW_NO_MENTOR = "their former mentor"
REVIEW_CONFIRM = "Confirm"
REVIEW_NOT_NOW = "Not now"
REVIEW_CONFIRMED = "Confirmed by {moderator}: an organizer with one mentee."
REVIEW_NOT_NOW_DONE = "Not now, said {moderator}."
NO_REVIEW_CHANNEL = (
    "A mentee said yes to mentoring others, but there is no review channel to confirm it in: "
    "set one with /mod settings set review_channel_id."
)

# After a moderator's decision.
CONFIRMED_MEMBER = (
    "You're now an organizer, with room for one mentee. /organizer capacity changes how many you "
    "take, and /organizer pause takes a break. Thank you!"
)
CONFIRMED_MENTOR = "{member}, whom you endorsed, is now an organizer. Thank you for bringing them on."
NOT_NOW_MEMBER = (
    "The moderators would like to wait a little before you take a mentee. Thank you for offering: "
    "keep going locally, and it will come."
)

# A click on a step that has moved on.
ALREADY = "This was already answered."
GONE = "This suggestion is no longer there."
