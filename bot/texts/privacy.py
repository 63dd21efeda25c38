"""/privacy: what members read about their own data."""

NOTHING_STORED = "I don't have anything stored about you in this server."
SHOW_TITLE = "What groundwork keeps about you"
SHOW_INTRO = (
    "This is everything I store about you here. Use `/privacy export` for a complete copy as a file, "
    "or `/privacy delete` to remove it."
)
SHOW_PROFILE = (
    "**Profile:** {status}; onboarded {onboarded}; lives in {place} (shared with others: {sharing})"
)
SHOW_CONSENT = "**Choices:** organizer may contact you: {contact}; neighbour offers: {offers}; activity shared: {activity}"
SHOW_YES = "yes"
SHOW_NO = "no"
SHOW_OFFERS_ON = "on"
SHOW_OFFERS_MUTED = "muted"
SHOW_COUNTS = (
    "**Kept:** {conversations} onboarding conversation(s), {checkins} check-in(s) with {answers} answer(s), "
    "{mentorships} mentorship(s), {audit} audit entr(ies) about you."
)
EXPORT_DONE = "Here is everything I keep about you, as a JSON file."
DELETE_CONFIRM = (
    "**Delete everything I keep about you?** Your profile, where you live, your check-ins and answers, and "
    "your mentorships will be removed for good. Your roles in the server stay. This can't be undone."
)
DELETE_BUTTON = "Yes, delete my data"
CANCEL_BUTTON = "Keep it"
DELETED = "Done. Everything I kept about you has been deleted. If you ever want to start again, use `/join`."
CANCELLED = "Nothing was deleted."
ORGANIZER_NOTICE = "{member} asked for their data to be deleted, so your mentorship with them has ended. Thank you for your help."
ACCOUNT_DELETED_NOTICE = (
    "{member} deleted their Discord account, so your mentorship with them has ended and what I kept "
    "about them is gone. Thank you for the time you gave them."
)
