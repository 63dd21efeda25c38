"""What Discord shows of the slash commands: their descriptions and their options' help.

A name is the command's path (`MOD_SETTINGS_SET` is /mod settings set); `<COMMAND>__<OPTION>`
is the help for one option. Discord allows at most 100 characters in each.
"""

# cogs/checkins/_cog.py
CHECKIN = "Your readiness check-ins"
CHECKIN_CADENCE = "How often you get check-ins, and at what hour"
CHECKIN_CADENCE__EVERY = "How often"
CHECKIN_CADENCE__HOUR = "The hour of day, your time (0-23)"
CHECKIN_HISTORY = "How your readiness changed over time (or a mentee's)"
CHECKIN_HISTORY__MEMBER = "A member you mentor (leave empty for your own)"
CHECKIN_NOW = "A check-in right now, in your DMs"
CHECKIN_PAUSE = "No check-ins for a while"
CHECKIN_PAUSE__UNTIL = "Pause until this date, like 2027-01-31 (leave empty: until you resume)"
CHECKIN_RESUME = "Check-ins again"

# cogs/meta.py
ABOUT = "What groundwork does and how to use it"

# cogs/moderation/_cog.py
MOD = "Moderators: members, pairings, settings"
MOD_ATTENTION = "Who waits for a mentor, free places, the pace, and what would reach everyone in time"
MOD_AUDIT = "The latest audit entries, about a member or by a moderator"
MOD_CIRCLES = "Local circles: size, activity in the last 30 days, organizer"
MOD_EXPORT = "CSV files of members (only what they agreed to share) and mentorships"
MOD_ISOLATED = "Members alone in their area, oldest first"
MOD_MAP = "A map of members per region (no one's own position)"
MOD_MEMBER = "Everything groundwork holds on a member, with actions"
MOD_ORGANIZER = "Organizers"
MOD_ORGANIZER_CONFIRM = "Confirm a member who offered to mentor"
MOD_ORGANIZER_REMOVE = "Stop a member being an organizer (their mentees get new mentors)"
MOD_OUTBOX = "Introductions and other steps in Discord that keep failing"
MOD_OVERVIEW = "Members by status and place, who needs attention, check-ins"
MOD_PAIR = "Pair a member with an organizer by hand"
MOD_SETTINGS = "Server settings"
MOD_SETTINGS_SET = "Change one setting"
MOD_SETTINGS_SET__KEY = "Which setting"
MOD_SETTINGS_SET__VALUE = "The new value (a number, yes/no, a #channel or @role, or none)"
MOD_SETTINGS_SHOW = "The server's settings"
MOD_UNATTENDED = "Members nobody has met yet, days after onboarding, longest waiting first"
MOD_UNPAIR = "End a member's mentorship"
MOD_UNPAIRED = "Members waiting for a mentor, longest waiting first"

# cogs/onboarding/_cog.py
JOIN = "Tell groundwork about yourself, or pick up where you left off"
ONBOARD = "Tell groundwork about yourself"
ONBOARD_RESTART = "Start over from the first question"
ONBOARD_START = "Start telling groundwork about yourself, or continue"

# cogs/pairing/_cog.py
MENTOR = "Your mentor"
REACH = "Reach out to a member through the bot"
REACH_OUT = "Send your mentee a short personal message by DM from the bot"
REACH_OUT_MEMBER = "Your mentee"
REACH_OUT_MESSAGE = "A few words for them (up to 1000 characters)"
MENTOR_REQUEST = "Ask for an experienced organizer to help you get started"
MENTOR_SHOW = "See who your mentor is"
PAIRING = "Moderators: mentor pairings"
PAIRING_END = "End a member's mentorship"
PAIRING_PAIR = "Pair a member with an organizer by hand"
PAIRING_RUN = "Propose mentors for everyone waiting, now"

# cogs/pairing/_organizers.py
ORGANIZER = "For experienced organizers"
ORGANIZER_ADD = "Moderators: make a member an organizer"
ORGANIZER_ADD__CAPACITY = "How many mentees at most"
ORGANIZER_ADD__LANGUAGES = "Language codes, e.g. en es"
ORGANIZER_ADD__MEMBER = "Who"
ORGANIZER_CAPACITY = "How many mentees you can take"
ORGANIZER_CONFIRM = "Moderators: confirm a member who offered to mentor"
ORGANIZER_MENTEES = "Your mentees and how ready they feel"
ORGANIZER_PAUSE = "Take no new mentees for now"
ORGANIZER_RESUME = "Take new mentees again"

# cogs/privacy.py
PRIVACY = "What groundwork keeps about you"
PRIVACY_DELETE = "Delete everything groundwork keeps about you"
PRIVACY_EXPORT = "Everything groundwork keeps about you, as a file"
PRIVACY_SHOW = "See everything groundwork keeps about you"

# cogs/profile.py
LOCALE = "Where you live"
LOCALE_SET = "Change where you live"
LOCALE_SET__PLACE = "Your town or city, postal code, county, region or country"
NEARBY = "How many members live near you, and who is happy to be seen"
PROFILE = "See what you told groundwork, and change it"

# cogs/local/_activity.py
LOG = "Your local activity log"
LOG_ADD = "Record something you did locally"
LOG_ADD__KIND = "What you did"
LOG_ADD__NOTE = "A few words about it (optional)"
LOG_SHARE = "Let your mentor and circle see your log, or not"
LOG_SHARE__SHARE = "Yes: your mentor and circle see what you log. No: only you do."
LOG_VIEW = "See your log, or a mentee's or circle member's who shares it"
LOG_VIEW__MEMBER = "Whose log (yourself if empty)"

# cogs/local/_circles.py
CIRCLE = "See your local circle"

# cogs/local/_neighbours.py
NEIGHBOURS = "Whether you'd like to be offered to meet members near you"
NEIGHBOURS__OFFERS = "On: I may be offered to meet neighbours. Off: don't ask me."

# cogs/buddies/_cog.py
BUDDY = "Your buddy: another member getting started alone, like you"
BUDDY__OFFERS = "On: I may be offered a buddy. Off: don't offer me one."

# cogs/local/_practice.py
PRACTICE = "Find a partner for a short practice call"
PRACTICE__PATH = "What you'd like to practise for"

# cogs/welcome_calls/_cog.py
CALL = "Welcome calls: a small weekly group call for members getting started"
CALL_HOST = "Organizers: host a weekly welcome call for members in a time-zone band"
CALL_HOST__BAND = "UTC offsets it suits, like UTC-8..-5 or +1..+3"
CALL_HOST__WEEKDAY = "Which day, in your time zone"
CALL_HOST__TIME = "What time, in your time zone, like 18:30"
CALL_HOST__CHANNEL = "The voice channel (or give a link instead)"
CALL_HOST__LINK = "A link or place, if not in a voice channel here"
CALL_HOST__SIZE = "How many to invite at most (default: the server's setting, 8)"
CALL_HOST__TIMEZONE = "Your time zone, like Europe/Berlin (default: the one from your place)"
CALL_LIST = "The welcome calls that are on, and who is coming"
CALL_CANCEL = "Call off the next welcome call (the host or a moderator)"
CALL_CANCEL__CALL = "The call's number, from /call list"
CALL_CANCEL__FOR_GOOD = "End this weekly call for good (default: only the next one)"
