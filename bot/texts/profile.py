"""/profile, /locale set and /nearby."""

NOT_ONBOARDED = "I don't know you yet! Use `/join` to tell me a little about yourself first."
PROFILE_TITLE = "Your profile"
PROFILE_ISOLATED = "You're currently the only member near you."
CHANGE_PLACEHOLDER = "Change an answer…"
LOCALE_PICK = "There are a few places with that name. Which one is yours?"
LOCALE_PICK_PLACEHOLDER = "Choose your place"
LOCALE_CHANGED = "Done! You now live in **{place}** (time zone {timezone})."
LOCALE_CHANGED_NEAR = "**{count}** member(s) live within {radius:.0f} km of you."
LOCALE_CHANGED_ISOLATED = "You're the only member within {radius:.0f} km for now."
LOCALE_CHANGED_AREA_OTHERS = "**{count}** other member(s) live in {area}."
LOCALE_CHANGED_AREA_ALONE = "You're the first member we know of in {area} for now."
LOCALE_CHANGED_AREA_FAR = "I know your area but not your town, so I can't tell how close they are."
LOCALE_CHANGED_NEAR_AREA = "**{count}** member(s) in {area}, close to you, told me only their area."

NEARBY_TITLE = "Members near you"
NEARBY_BAND = "within {km} km: **{count}**"
NEARBY_REGION = "in your region: **{count}**"
NEARBY_COUNTRY = "in your country: **{count}**"
NEARBY_NAMED = "Happy to be seen nearby"
NEARBY_NAMED_LINE = "{who} ({km:.0f} km)"
NEARBY_NONE_NAMED = "Nobody near you has chosen to show their town yet."
NEARBY_AREA_ONLY_IN = "You told me your area only ({area}), so I count members there rather than by distance."
NEARBY_IN_AREA = "in {area}: **{count}**"
NEARBY_NEAR_AREA = "in {area}, close to you (area only): **{count}**"
NEARBY_AREA_ISOLATED = (
    "You're the first member we know of in {area} for now. That's how most of us start: "
    "an experienced organizer can help you get going."
)
NEARBY_AREA_FAR = (
    "I can't tell how close they are without your town. An experienced organizer can help you "
    "get going meanwhile, and `/locale set` takes your town whenever you like."
)
NEARBY_ISOLATED = (
    "You're the only member within {radius:.0f} km for now. That's how most of us start: "
    "an experienced organizer can help you get going."
)

# -- /locale set: the place is always confirmed before it is saved -------------------------
LOCALE_CONFIRM = (
    "**Is this right?**\n\N{ROUND PUSHPIN} {place}\n\N{MANTELPIECE CLOCK} Time zone: **{timezone}**"
)
LOCALE_CONFIRM_POSTAL = "(from your postal code; I don't keep the code itself)"
LOCALE_CONFIRM_AREA = "I'll remember your {what} only; that's fine."
LOCALE_AREA_WHAT = {"district": "county", "region": "region", "country": "country"}
LOCALE_YES = "Yes, that's right"
LOCALE_PICK_ANOTHER = "Pick another"
LOCALE_NONE = "None of these"
LOCALE_PICK_NEAR = "I couldn't find that exact name. Did you mean one of these?"
LOCALE_PICK_POSTAL = "That postal code covers a few places. Which one is yours?"
LOCALE_PICK_POSTAL_COUNTRIES = "That postal code exists in a few countries. Which one is yours?"
LOCALE_NONE_CHOSEN = (
    "No problem: nothing has changed. Try another spelling, the nearest bigger town or your "
    "postal code, or pick your county or region."
)
LOCALE_AREA_BUTTON = "Pick my county, region or country"
LOCALE_AGAIN_BUTTON = "Type my town again"
LOCALE_USE_AREA_BUTTON = "Just use {area}"
LOCALE_MODAL_TITLE = "Where do you live?"
LOCALE_MODAL_LABEL = "Town, city or postal code"
LOCALE_MODAL_PLACEHOLDER = "e.g. Leeds, Portland, Maine, or 59801"
LOCALE_AREA_MODAL_TITLE = "Your county, region or country"
LOCALE_AREA_MODAL_LABEL = "County, region, state or country"
LOCALE_AREA_MODAL_PLACEHOLDER = "e.g. Powys, Bavaria, Ontario, or Chile"
