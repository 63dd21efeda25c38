"""What moderators read."""

UNKNOWN_MEMBER = "I don't have anything about that member."
NOT_HERE = "That member belongs to another server."

OVERVIEW_TITLE = "How the server is doing"
OVERVIEW_STATUS = "**Members:** {statuses}"
OVERVIEW_PLACES = "**Most members in:** {places}"
OVERVIEW_REGIONS = "**Regions:** {regions}"
OVERVIEW_ATTENTION = (
    "**Isolated:** {isolated} · **waiting for a mentor:** {waiting} · **mentorships:** {active} active, "
    "{proposed} awaiting review"
)
OVERVIEW_CHECKINS = (
    "**Check-ins, last 30 days:** {answered} answered of {due} ({rate}) · **gone quiet:** {quiet}"
)
NO_DATA = "none yet"

LIST_TITLES = {"isolated": "Isolated members", "unpaired": "Waiting for a mentor"}
LIST_EMPTY = "Nobody right now. \N{SEEDLING}"
LIST_LINE = "{member} · {area} ({precision}) · since {since}"
LIST_FOOTER = "Page {page} of {pages} · {total} in all · oldest first"
PREVIOUS = "Previous"
NEXT = "Next"

MEMBER_TITLE = "Member"
MEMBER_FIELDS = {
    "status": "Status",
    "area": "Lives in (as shared)",
    "timezone": "Time zone",
    "languages": "Languages",
    "experience": "Experience",
    "paths": "Paths",
    "mentoring": "Mentoring",
    "readiness": "Latest readiness",
    "checkins": "Check-ins",
    "contact": "Organizer may contact",
}
MEMBER_MENTOR = "mentor: {mentor}"
MEMBER_MENTEES = "mentees: {mentees}"
MEMBER_WAITING = "waiting for a mentor since {since}"
MEMBER_ORGANIZER = "organizer ({status}, capacity {capacity})"
MEMBER_ONBOARDING = "in onboarding, at step {step}"
MEMBER_CHECKINS = "{paused}missed in a row: {missed}{dms}"
ACTION_PAIR = "Pair with an organizer…"
ACTION_UNPAIR = "End mentorship"
ACTION_PAUSE = "Pause check-ins"
ACTION_RESET = "Reset onboarding"
ACTION_DONE = "Done: {action} for {member}."
RESET_DONE = "{member}'s onboarding was reset; they can start again with `/join`."
PAUSE_DONE = "Check-ins for {member} are paused until a moderator or they resume them."

AUDIT_TITLE = "Audit log"
AUDIT_EMPTY = "No entries."
AUDIT_LINE = "{at} · {actor} → {target} · **{action}**{details}"
AUDIT_BOT = "groundwork"
AUDIT_NOBODY = "—"

EXPORT_DONE = (
    "Here are the exports ({files} file(s)). Members' places are only as precise as each member agreed."
)
EXPORT_MORE = "(continued: part {part})"

MAP_TITLE = "Members by region"
MAP_EMPTY = "No members with a known place yet."
MAP_DONE = (
    "Members by region: circles sized by count; places with fewer than {minimum} members are unlabelled."
)

SETTINGS_TITLE = "Server settings"
SETTINGS_CHANGED = "**{key}** changed from `{old}` to `{new}`."
SETTINGS_UNKNOWN_KEY = "There is no setting called {key}."
SETTINGS_BAD_VALUE = "**{key}**: {problem}"
SETTINGS_NOT_A_CHANNEL = "that's not a text channel of this server"
SETTINGS_NOT_A_ROLE = "that's not a role of this server"
