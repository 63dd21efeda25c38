"""/profile, /locale set and /nearby."""

NOT_ONBOARDED = "I don't know you yet! Use `/join` to tell me a little about yourself first."
PROFILE_TITLE = "Your profile"
PROFILE_ISOLATED = "You're currently the only member near you."
CHANGE_PLACEHOLDER = "Change an answer…"
LOCALE_NOT_FOUND = (
    "I couldn't find **{echo}**. Try another spelling, or add the country (e.g. *Springfield, USA*)."
)
LOCALE_INVALID = "That doesn't look like a place name. Please type a town, region or country."
LOCALE_PICK = "There are a few places with that name. Which one is yours?"
LOCALE_PICK_PLACEHOLDER = "Choose your place"
LOCALE_CHANGED = "Done! You now live in **{place}** (time zone {timezone})."
LOCALE_CHANGED_NEAR = "**{count}** member(s) live within {radius:.0f} km of you."
LOCALE_CHANGED_ISOLATED = "You're the only member within {radius:.0f} km for now."

NEARBY_TITLE = "Members near you"
NEARBY_BAND = "within {km} km: **{count}**"
NEARBY_REGION = "in your region: **{count}**"
NEARBY_COUNTRY = "in your country: **{count}**"
NEARBY_NAMED = "Happy to be seen nearby"
NEARBY_NONE_NAMED = "Nobody near you has chosen to show their town yet."
NEARBY_AREA_ONLY = (
    "You told me your region or country only, so I count members there rather than by distance."
)
NEARBY_ISOLATED = (
    "You're the only member within {radius:.0f} km for now. That's how most of us start: "
    "an experienced organizer can help you get going."
)
