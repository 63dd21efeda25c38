"""Everything the onboarding conversation says. Short, warm, concrete."""

from __future__ import annotations

from bot.texts.checkins import SHORT_NAMES
from db.enums import Experience, LocaleSharing, OrganizingPath, ReadinessDimension

# -- refusals and problems -------------------------------------------------------------
ALREADY_ONBOARDED = (
    "You've already told me about yourself. \N{SLIGHTLY SMILING FACE} "
    "Use `/profile` to see or change your answers, or `/onboard restart` to start over."
)
SESSION_NOT_FOUND = "I can't find that conversation. Use `/join` in the server to start again."
SESSION_FINISHED = "You've already finished this. Use `/profile` to see or change your answers."
SESSION_EXPIRED = "This conversation timed out. No problem: use `/join` in the server to pick it up again."
NOT_IN_SERVER = "It looks like you're no longer in the server, so I've stopped here."
STALE_STEP = "That button belongs to an earlier question. Please answer the latest message instead."
INVALID_ANSWER = "Sorry, I couldn't use that answer. Please choose one of the options."
SUMMARY_INCOMPLETE = "A few answers are still missing. Please go through the questions again."
UNKNOWN_SERVER = "I don't know that server any more. Use `/join` there to start again."

# -- starting ------------------------------------------------------------------------
BEGIN_BUTTON = "Let's begin"
CONTINUE_BUTTON = "Continue where I left off"
SENT_TO_DMS = "I've sent you a private message to get started. \N{ENVELOPE WITH DOWNWARDS ARROW ABOVE}"
DMS_CLOSED_HERE = (
    "I couldn't send you a private message (your DMs from server members are closed), "
    "so let's do it right here. Only you can see these messages."
)
DMS_CLOSED_THREAD = (
    "Hi {mention}! I couldn't send you a private message, so I opened this private thread for us. "
    "Only you, me and the moderators can see it."
)
RESUMED = "Welcome back! Let's continue where you left off."
REMINDER = (
    "Hi! You started telling me about yourself in **{guild_name}** but didn't finish. "
    "It only takes a few more minutes, and you can continue right where you stopped."
)
EXPIRED = (
    "Your unfinished introduction in **{guild_name}** has timed out. "
    "Whenever you're ready, use `/join` in the server to start again."
)

# -- the questions --------------------------------------------------------------------
STEP_TITLE = "Getting to know you · {number}/{total}"
PROFILE_EDIT_TITLE = "Changing your profile: nothing changes until you confirm"

PLACE_PROMPT = (
    "**Where do you live?**\n"
    "Just the town or city is enough, e.g. *Leeds*, *Portland, Maine* or *São Paulo*. "
    "Nobody else sees this unless you agree to it later."
)
PLACE_BUTTON = "Type my town"
PLACE_AGAIN_BUTTON = "Type my town again"
AREA_BUTTON = "Pick my county, region or country"
USE_AREA_BUTTON = "Just use {area}"
PLACE_MODAL_TITLE = "Where do you live?"
PLACE_MODAL_LABEL = "Town, city or postal code"
PLACE_MODAL_PLACEHOLDER = "e.g. Leeds, Portland, Maine, or 59801"
AREA_MODAL_TITLE = "Your county, region or country"
AREA_MODAL_LABEL = "County, region, state or country"
AREA_MODAL_PLACEHOLDER = "e.g. Powys, Bavaria, Ontario, or Chile"
PLACE_NOT_FOUND = (
    "I couldn't find a town called **{echo}**. If it's small, try the nearest bigger town, "
    "or your postal code. Or pick your county or region with the first button: that's fine too."
)
PLACE_NOT_FOUND_PLAIN = (
    "I couldn't find that place. If it's small, try the nearest bigger town, or your postal code. "
    "Or pick your county or region with the first button: that's fine too."
)
PLACE_NOT_FOUND_IN_AREA = (
    "I found **{area}**, but no town called **{echo}** there. Try the nearest bigger town, or your "
    "postal code, or just use {area} for now."
)
PLACE_NOT_FOUND_IN_AREA_PLAIN = (
    "I found **{area}**, but not the town. Try the nearest bigger town, or your postal code, "
    "or just use {area} for now."
)
AREA_NOT_FOUND = (
    "I couldn't find a county, region or country called **{echo}**. Could you try another spelling, "
    "or the state or country instead?"
)
AREA_NOT_FOUND_PLAIN = (
    "I couldn't find that county, region or country. Could you try another spelling, "
    "or the state or country instead?"
)
POSTAL_UNKNOWN = (
    "I don't know that postal code, sorry. Could you type your town's name instead, "
    "or pick your county or region?"
)
PLACE_NONE_OF_THESE = (
    "No problem. Try typing it another way (the nearest bigger town or your postal code work too), "
    "or pick your county or region."
)
# Why a typed answer was refused; nothing of it is kept.
PLACE_INVALID = {
    "empty": "That came through empty. Please type the name of your town or city.",
    "too_long": "That's longer than any place name I know. Just the town or city is enough.",
    "mention": "Please type just the name of your town, without mentions or @.",
    "link": "Please type just the name of your town, without a link.",
    "emoji": "I can only read place names in letters, not emoji. Please type your town or city.",
    "no_letters": "That doesn't look like a place name. Please type the name of your town or city.",
}

PLACE_PICK_PROMPT = "**There are a few places with that name. Which one is yours?**"
PLACE_PICK_NEAR_PROMPT = (
    "**I couldn't find that exact name. Did you mean one of these?** If not, choose *None of these*."
)
PLACE_PICK_POSTAL_PROMPT = "**That postal code covers a few places. Which one is yours?**"
PLACE_PICK_POSTAL_COUNTRIES_PROMPT = "**That postal code exists in a few countries. Which one is yours?**"
PLACE_PICK_PLACEHOLDER = "Choose your place"
PLACE_PICK_NONE = "None of these"

PLACE_CONFIRM_PROMPT = (
    "**Is this right?**\n\N{ROUND PUSHPIN} {place}\n\N{MANTELPIECE CLOCK} Time zone: **{timezone}** "
    "(it's {local_time} there now)"
)
PLACE_FROM_POSTAL = "(from your postal code; I don't keep the code itself)"
PLACE_PRECISION_NOTE = {
    "district": "I'll remember your county only; that's fine.",
    "region": "I'll remember your region only; that's fine.",
    "country": "I'll remember your country only; that's fine.",
}
CONFIRM_YES = "Yes, that's right"
CONFIRM_CHANGE_TZ = "Different time zone"
CONFIRM_WRONG_PLACE = "That's not my place"

TIMEZONE_PROMPT = "**Which time zone are you in?** I'll only message you at sensible hours."
TIMEZONE_PLACEHOLDER = "Choose your time zone"

LANGUAGES_PROMPT = "**Which languages can you organize in?** Choose one or more."
LANGUAGES_PLACEHOLDER = "Choose languages"

EXPERIENCE_PROMPT = "**Have you organized before?** Any answer is a good answer: most of us start from zero."
EXPERIENCE_LABELS = {
    Experience.NEW: "New to organizing",
    Experience.SOME: "Some experience",
    Experience.EXPERIENCED: "Experienced organizer",
}
EXPERIENCE_MODAL_TITLE = "What have you done before?"
EXPERIENCE_MODAL_LABEL = "In a few words (optional)"
EXPERIENCE_MODAL_PLACEHOLDER = "e.g. a union drive at work, a tenants' group, a campaign"

MENTORING_PROMPT = (
    "**Would you mentor newer members?** Some members are the only one in their town; "
    "an experienced hand makes all the difference. How many people could you take on?"
)
MENTORING_PLACEHOLDER = "Choose how many"
MENTORING_NONE = "Not right now"
MENTORING_COUNT = "Yes, up to {count}"

PATHS_PROMPT = (
    "**What would you like to build where you live?** Choose as many as you like; you can change this later."
)
PATHS_PLACEHOLDER = "Choose one or more"
PATH_LABELS = {
    OrganizingPath.RUN_FOR_OFFICE: "Run for local office",
    OrganizingPath.SOLIDARITY_NETWORK: "Start a solidarity network",
    OrganizingPath.DISCUSSION_GROUP: "Start a discussion or reading group",
    OrganizingPath.COALITIONS: "Build coalitions with local groups",
    OrganizingPath.COMMUNITY_LIFE: "Join social and community life",
    OrganizingPath.REMOTE: "Contribute remotely",
}
PATH_DESCRIPTIONS = {
    OrganizingPath.RUN_FOR_OFFICE: "The strongest way to get an audience and local connections",
    OrganizingPath.SOLIDARITY_NETWORK: "Mutual aid, tenant or workplace support",
    OrganizingPath.DISCUSSION_GROUP: "Talk ideas through with people nearby",
    OrganizingPath.COALITIONS: "Work with groups that already exist locally",
    OrganizingPath.COMMUNITY_LIFE: "Get known and meet people, politics or not",
    OrganizingPath.REMOTE: "Online work for the organization, when local time is short",
}

READINESS_PROMPT = (
    "**How ready do you feel right now?** 1 = not at all, 5 = very. "
    "There are no wrong answers; this is just where you start from. ({page}/2)"
)
READINESS_INCOMPLETE = "Please rate all three before going on."
READINESS_BUTTON = "Rate these three"
READINESS_MODAL_TITLE = "How ready do you feel? ({page}/2)"
SCORE_PLACEHOLDER = "1 = not at all · 5 = very"
# At most 45 characters each: they label fields in a form.
DIMENSION_LABELS = {
    ReadinessDimension.RESOURCES: "Resources: time and money to give",
    ReadinessDimension.SPEAKING_CONFIDENCE: "Speaking confidence",
    ReadinessDimension.POLITICAL_INFORMEDNESS: "Feeling politically informed",
    ReadinessDimension.ARTICULATION: "Explaining our ideas in plain words",
    ReadinessDimension.LOCAL_AWARENESS: "Knowing what's going on locally",
    ReadinessDimension.TIME: "Having time for this",
}
SHORT_DIMENSION_LABELS = SHORT_NAMES  # one short name per dimension everywhere (bot/texts/checkins.py)
SCORE_LABELS = {1: "1 · not at all", 2: "2 · a little", 3: "3 · somewhat", 4: "4 · mostly", 5: "5 · very"}
NEXT_BUTTON = "Next"

CONSENT_PROMPT = (
    "**Last question: your privacy.** Where you live is sensitive, so you decide.\n"
    "Who may see where you live? And may an experienced organizer contact you to help?"
)
CONSENT_INCOMPLETE = "Please answer both questions before going on."
CONSENT_BUTTON = "Choose"
CONSENT_MODAL_TITLE = "Your privacy"
SHARING_QUESTION = "Who may see where you live?"
CONTACT_QUESTION = "May an organizer contact you?"
SHARING_PLACEHOLDER = "Who may see where you live?"
SHARING_LABELS = {
    LocaleSharing.TOWN: "Other members may see my town",
    LocaleSharing.REGION: "Only my region",
    LocaleSharing.NOTHING: "Nobody: keep it private",
}
CONTACT_PLACEHOLDER = "May an organizer contact you?"
CONTACT_YES = "Yes, an organizer may contact me"
CONTACT_NO = "No, not for now"

SUMMARY_PROMPT = "**Here's what you told me.** Is everything right?"
SUMMARY_FIELDS = {
    "place": "Where you live",
    "timezone": "Time zone",
    "languages": "Languages",
    "experience": "Experience",
    "mentoring": "Mentoring others",
    "paths": "What you'd like to build",
    "readiness": "How ready you feel",
    "privacy": "Privacy",
}
SUMMARY_CONFIRM = "Confirm"
SUMMARY_CHANGE_PLACEHOLDER = "Change an answer…"
SUMMARY_CHANGE_LABELS = {
    "place": "Where I live",
    "place_confirm": "My time zone",
    "languages": "My languages",
    "experience": "My experience",
    "paths": "What I'd like to build",
    "readiness_1": "How ready I feel",
    "consent": "My privacy choices",
}
NOT_GIVEN = "not given"

# -- after confirming -----------------------------------------------------------------
DONE_TITLE = "You're all set! \N{PARTY POPPER}"
DONE_NEARBY = "**{count}** member(s) live within {radius:.0f} km of you."
DONE_NEARBY_NAMED = "Near you and happy to be seen: {names}."
DONE_ISOLATED = (
    "You're the first member within {radius:.0f} km of you. That's common, and it's exactly what "
    "groundwork is for: an experienced organizer can help you get started."
)
# The DM with the "Yes, I'd like a mentor" button, after the closing message said they're alone.
MENTOR_OFFER = (
    "About that experienced organizer: would you like one to help you get started? "
    "Press the button and I'll look for someone; you'll be introduced in a private thread."
)
MENTOR_OFFER_AREA = (
    MENTOR_OFFER + " If you tell me your town with `/locale set`, I can also look for who's close."
)
# The same, for a member who offered to mentor: no offer of an organizer's help.
DONE_ISOLATED_ORGANIZER = (
    "You're the first member within {radius:.0f} km of you, so newcomers near you will be glad you're here."
)
DONE_AREA_ALONE_ORGANIZER = (
    "You're the first member we know of in {area}, so newcomers there will be glad you're here."
)
DONE_AREA_FAR_ORGANIZER = (
    "I know your area but not your town, so I can't tell how close they are. Tell me your town "
    "with `/locale set` and I can match you with newcomers near you."
)
DONE_REGION_COUNTS = "In your region: {region}. In your country: {country}."
# For a member who gave only a county, region or country: no point, so never a radius.
DONE_AREA_OTHERS = "**{count}** other member(s) live in {area}."
DONE_AREA_ALONE = (
    "You're the first member we know of in {area}. That's common, and it's exactly what "
    "groundwork is for: an experienced organizer can help you get started."
)
DONE_AREA_FAR = (
    "I know your area but not your town, so I can't tell how close they are. Meanwhile an "
    "experienced organizer can help you get started; if you like, tell me your town with "
    "`/locale set` and I'll look for who's close."
)
# For a town member: members who gave only a small area around them (no distance known).
DONE_NEARBY_AREA = "**{count}** member(s) in {area}, close to you, told me only their area."
DONE_ORGANIZER_PENDING = "Thank you for offering to mentor! A moderator will confirm you shortly."
DONE_ORGANIZER_ACTIVE = "Thank you for offering to mentor! You're registered as an organizer."
DONE_NEXT = "Next: say hello in the server, and try `/nearby` or `/profile` any time."
ROLES_FAILED = "(I couldn't give you your server roles just now; a moderator has been told.)"
ANNOUNCE_FROM = "\N{SEEDLING} A new member joined from **{area}**. Welcome!"
ANNOUNCE_PLAIN = "\N{SEEDLING} A new member joined. Welcome!"

# Where the conversation runs when DMs are closed, and the way back to it.
FALLBACK_THREAD_NAME = "Welcome, {name}"
OPEN_CONVERSATION_BUTTON = "Open the conversation"
TIMEZONE_LOCAL_TIME = "{time} there now"  # under each time zone in the picker

# /onboard restart, when there are answers to lose.
RESTART_CONFIRM = "Start over from the first question? Your answers so far will be replaced by the new ones."
RESTART_YES = "Start over"
RESTART_NO = "Keep my answers"
RESTART_KEPT = "No problem: your answers stay as they are. `/profile` shows them."
RESTART_STARTING = "Starting over. I'll send you the first question."

# A newcomer whose DMs are closed, in a server with no onboarding channel.
WELCOME_NOWHERE_MODERATORS = (
    "{member} just joined, but their DMs are closed and this server has no onboarding channel, "
    "so I couldn't welcome them. Set one with `/mod settings set onboarding_channel_id`, "
    "or ask them to use `/join`."
)
WELCOME_PATH = (
    "Welcome! I couldn't send you a private message, so here's the way in: "
    "press the button to tell me a little about yourself. Only you can see this."
)

# Time zones, named as people say them (bot/services/time_zones.py).
TIMEZONE_UTC = "Coordinated Universal Time (UTC)"
TIMEZONE_WITH_TIME = "{zone}, {time} now"
