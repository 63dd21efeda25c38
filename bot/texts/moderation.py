"""What moderators read."""

UNKNOWN_MEMBER = "I don't have anything about that member."

OVERVIEW_TITLE = "How the server is doing"
OVERVIEW_TO_ACT_ON = "What needs a moderator"
OVERVIEW_BAR_ISOLATED = "Isolated"
OVERVIEW_BAR_WAITING = "Waiting for a mentor"
OVERVIEW_BAR_UNATTENDED = "Nobody has met them yet"
OVERVIEW_BAR_ANSWERED = "Check-ins answered (30 days)"
OVERVIEW_BAR_ANSWERED_OF = "{answered} of {due}"
OVERVIEW_BY_PLACE = "Where most members live"
CHART_NOTHING_YET = "none yet"
OVERVIEW_STATUS = "**Members:** {statuses}"
OVERVIEW_PLACES = "**Most members in:** {places}"
OVERVIEW_REGIONS = "**Regions:** {regions}"
OVERVIEW_ATTENTION = (
    "**Isolated:** {isolated} · **waiting for a mentor:** {waiting} · **mentorships:** {active} active, "
    "{proposed} awaiting review"
)
OVERVIEW_WENT_ON_TO_MENTOR = "**Mentees who went on to mentor others:** {count}"
OVERVIEW_CHECKINS = (
    "**Check-ins, last 30 days:** {answered} answered of {due} ({rate}) · **gone quiet:** {quiet}"
)
NO_DATA = "none yet"
OVERVIEW_FIRST_CONTACT = (
    "**First human contact, onboarded in the last {days} days:** median {median}, 90% within {p90} · "
    "{waiting} still waiting for a first contact"
)
OVERVIEW_NO_CONTACT_YET = (
    "**First human contact, onboarded in the last {days} days:** nobody has met anyone yet · "
    "{waiting} still waiting for a first contact"
)
DURATION_DAYS = "{days} days {hours} h"
DURATION_ONE_DAY = "1 day {hours} h"
DURATION_HOURS = "{hours} h"
DURATION_MINUTES = "{minutes} min"

LIST_TITLES = {
    "isolated": "Isolated members",
    "unpaired": "Waiting for a mentor",
    "unattended": "Waiting for a first human contact",
}
LIST_EMPTY = "Nobody right now. \N{SEEDLING}"
LIST_LINE = "{member} · {area} ({precision}) · since {since}"
UNATTENDED_LINE = "{member} · {area} ({precision}) · onboarded {since} · waiting {days} days"
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
    "met": "Human contact",
}
CONTACT_KINDS = {
    "mentor_introduction": "introduced to a mentor",
    "buddy_introduction": "introduced to a buddy",
    "neighbour_introduction": "introduced to a neighbour",
    "practice_introduction": "introduced to a practice partner",
    "circle_joined": "joined a circle",
    "welcome_call": "came to a welcome call",
    "reached_out": "a mentor or moderator reached out",
}
MEMBER_FIRST_CONTACT = "first: {kind}{who}, {at}"
MEMBER_LAST_CONTACT = "latest: {kind}{who}, {at}"
MEMBER_CONTACT_WITH = " ({who})"
MEMBER_NO_CONTACT = "nobody has met them yet"
MEMBER_MENTOR = "mentor: {mentor}"
MEMBER_MENTEES = "mentees: {mentees}"
MEMBER_WAITING = "waiting for a mentor since {since}"
MEMBER_ORGANIZER = "organizer ({status}, capacity {capacity})"
MEMBER_ONBOARDING = "in onboarding, at step {step}"
MEMBER_CHECKINS = "{paused}missed in a row: {missed}{dms}"
MEMBER_CHECKINS_PAUSED = "paused · "
MEMBER_DMS_CLOSED = " · DMs closed"
MEMBER_CONTACT_YES = "yes"
MEMBER_CONTACT_NO = "no"
ACTION_PAIR = "Pair with an organizer…"
ACTION_UNPAIR = "End mentorship"
ACTION_PAUSE = "Pause check-ins"
ACTION_RESET = "Reset onboarding"
ACTION_REACH_OUT = "Reach out"
REACH_PLACEHOLDER = "Reach out to one of them…"
REACH_OPTION = "{name} · {days} days"
# the member card's buttons
ACTIONS = {
    "reach_out": ACTION_REACH_OUT,
    "unpair": ACTION_UNPAIR,
    "pause": ACTION_PAUSE,
    "reset": ACTION_RESET,
}
RESET_DONE = "{member}'s onboarding was reset; they can start again with `/join`."
PAUSE_DONE = "Check-ins for {member} are paused until a moderator or they resume them."

AUDIT_TITLE = "Audit log"
AUDIT_EMPTY = "No entries."
AUDIT_LINE = "{at} · {actor} → {target} · **{action}**{details}"
AUDIT_BOT = "groundwork"
AUDIT_NOBODY = "—"
# What an audit entry records, in words (an action missing here is shown as it is stored).
AUDIT_ACTIONS = {
    "activity.shared": "shared a log entry",
    "buddies.accepted": "said yes to a buddy",
    "buddies.muted": "asked not to be offered buddies",
    "buddies.offered": "was offered a buddy",
    "buddies.unmuted": "may be offered buddies again",
    "checkin.cadence_changed": "changed their check-in rhythm",
    "checkin.drop": "readiness dropped",
    "checkin.paused": "paused check-ins",
    "checkin.resumed": "resumed check-ins",
    "circle.joined": "joined a circle",
    "circle.left": "left a circle",
    "circle.offered": "was offered a circle",
    "circle.opened": "circle opened",
    "circle.organizer_invited": "organizer invited to a circle",
    "circle.proposed": "circle proposed",
    "member.data_deleted": "data deleted",
    "member.left": "left the server",
    "member.locale_changed": "changed where they live",
    "member.onboarded": "finished onboarding",
    "member.reached_out": "reached out to them through the bot",
    "mentor.requested": "asked for a mentor",
    "mod.checkins_paused": "check-ins paused by a moderator",
    "neighbours.asked": "a neighbour was asked",
    "neighbours.introduced": "neighbours introduced",
    "neighbours.muted": "asked not to be offered neighbours",
    "neighbours.offered": "was offered to meet neighbours",
    "neighbours.unmuted": "may be offered neighbours again",
    "onboarding.reset": "onboarding reset",
    "organizer.added": "made an organizer",
    "organizer.capacity": "changed how many mentees they take",
    "organizer.confirmed": "confirmed as an organizer",
    "organizer.paused": "paused taking mentees",
    "organizer.removed": "no longer an organizer",
    "organizer_pool.suggested": "suggested as a future organizer",
    "pairing.approved": "mentorship approved",
    "pairing.ended": "mentorship ended",
    "pairing.proposed": "mentor proposed",
    "practice.paired": "practice partners paired",
    "practice.requested": "asked for a practice partner",
    "settings.changed": "changed a setting",
}
# The details' names, in words; values: yes / no for true / false.
AUDIT_DETAILS = {
    "precision": "known as",
    "isolated": "alone in their area",
    "mentor": "mentor",
    "reason": "why",
    "circle": "circle",
    "members": "members",
    "closed": "closed",
    "key": "setting",
    "old": "was",
    "new": "now",
    "capacity": "capacity",
    "status": "status",
    "missed": "missed in a row",
    "cadence_days": "every (days)",
    "local_hour": "at hour",
    "until": "until",
    "to": "told",
}
AUDIT_DETAIL = "{name}: {value}"
AUDIT_YES, AUDIT_NO = "yes", "no"
# A member card in words.
MEMBER_STATUSES = {
    "new": "new, not onboarded yet",
    "onboarding": "onboarding",
    "active": "active",
    "left": "left the server",
    "deleted": "data deleted",
}
PRECISIONS = {"city": "town", "district": "county", "region": "region", "country": "country"}
ORGANIZER_STATUSES = {
    "pending": "waiting for confirmation",
    "active": "taking mentees",
    "paused": "paused",
    "removed": "no longer an organizer",
}

EXPORT_DONE = (
    "Here are the exports ({files} file(s)). Members' places are only as precise as each member agreed."
)
EXPORT_MORE = "(continued: part {part})"

MAP_TITLE = "Members by region"
MAP_EMPTY = "No members with a known place yet."
MAP_DONE = (
    "Members by region: circles sized by count; places with fewer than {minimum} members are unlabelled, "
    "and so is a place whose label has no free room."
)
MAP_ALT = (
    "Map of members by region: {members} members in {areas} areas. Named: {named}. "
    "{unnamed} area(s) unnamed (fewer than {minimum} members, or no room for the label)."
)
MAP_ALT_NONE_NAMED = "none"
OVERVIEW_ALT = (
    "Bar charts. What needs a moderator: isolated {isolated}, waiting for a mentor {waiting}, "
    "nobody has met them yet {unattended}, check-ins answered in 30 days {answered} of {due}. "
    "Where most members live: {places}."
)

SETTINGS_TITLE = "Server settings"
SETTINGS_CHANGED = "**{key}** changed from `{old}` to `{new}`."
SETTINGS_UNKNOWN_KEY = "There is no setting called {key}."
SETTINGS_BAD_VALUE = "**{key}**: {problem}"
SETTINGS_NOT_A_CHANNEL = "that's not a text channel of this server"
SETTINGS_NOT_A_ROLE = "that's not a role of this server"

# -- /mod settings: what each setting does, and why a value was refused ------------------
SETTING_HELP = {
    "radius_km": "how far (km) counts as near",
    "checkin_cadence_days": "default days between check-ins",
    "checkin_local_hour": "local hour check-ins are sent",
    "quiet_hours_start": "no DMs from this local hour",
    "quiet_hours_end": "until this local hour",
    "auto_approve_pairings": "introduce proposed mentors without review",
    "auto_confirm_organizers": "organizers need no confirmation",
    "followup_days": "days before asking how a pairing goes",
    "circle_min_size": "members near each other to propose a circle",
    "unattended_days": "days without anyone met before /mod unattended lists a member",
    "wait_target_days": "longest wait for a mentor before other company is offered",
    "organizer_readiness": "readiness (1-5, last two check-ins) to suggest a mentee as an organizer",
    "region_roles": "which area role members get",
    "member_role_id": "role every onboarded member gets",
    "moderator_role_id": "role that may use /mod",
    "onboarding_channel_id": "where members with closed DMs are onboarded",
    "announce_channel_id": "where new members are announced",
    "review_channel_id": "where moderators review proposed pairs",
    "introductions_channel_id": "where introduction threads are opened",
    "alerts_channel_id": "where alerts about members go",
    "circles_category_id": "category for local circle channels",
}
SETTING_NOT_A_NUMBER = "must be a number from {low:g} to {high:g}"
SETTING_OUT_OF_RANGE = "must be from {low:g} to {high:g}"
SETTING_NOT_ONE_OF = "must be one of {allowed}"
SETTING_NOT_YES_NO = "must be yes or no"
SETTING_NOT_CHANNEL_OR_ROLE = "must be a channel or role"

# -- /mod attention: the list for a mentor and what would clear it (bot.services.waiting) --
ATTENTION_FIGURES = (
    "**Waiting for a mentor:** {waiting} · **free places:** {free} · "
    "**mentorships begun:** {pace:.1f} a week (last 4 weeks)\n"
    "**Projected wait for the last on the list:** {last} (target {target})"
)
ATTENTION_NOBODY_WAITING = "Nobody is waiting for a mentor. Free places: {free}."
ATTENTION_LAST_UNKNOWN = "unknown (no free place, and no mentorship begun in 4 weeks)"
ATTENTION_WITHIN_TARGET = "Everyone on the list is expected to have a mentor within the target."
ATTENTION_NEEDED = (
    "To reach everyone within the target at this pace: {count} more organizer(s) with capacity "
    "{capacity} (the usual capacity here)."
)
ATTENTION_BATCH_TOO_SLOW = (
    "Even a free place waits for the next pairing batch, which runs less often than the target: "
    "more organizers alone can't reach everyone in time."
)
