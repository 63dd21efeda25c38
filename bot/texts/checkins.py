"""Everything readiness check-ins say. Short, warm, concrete: many readers are nervous beginners."""

from __future__ import annotations

from db.enums import CheckInStatus, OrganizingPath, ReadinessDimension

D = ReadinessDimension
P = OrganizingPath

# -- refusals and problems -------------------------------------------------------------
NOT_FOUND = "I can't find that check-in any more. Your next one will come as usual."
INVALID_ANSWER = "Sorry, I couldn't use that answer. Please choose one of the options."
CLOSED = {
    CheckInStatus.ANSWERED: "You've already sent this check-in. Thank you!",
    CheckInStatus.SKIPPED: "You skipped this check-in, and that's fine. The next one will come as usual.",
    CheckInStatus.MISSED: "This check-in has closed because a newer one arrived. Please answer the newest one.",
    CheckInStatus.CANCELLED: "This check-in was closed. Use `/checkin now` in the server for a fresh one.",
    CheckInStatus.UNDELIVERABLE: "This check-in was closed. Use `/checkin now` in the server for a fresh one.",
}
CLOSED_MESSAGE = "-# This check-in has closed. Your newest one is further down."
PAUSE_BAD_DATE = "Please give a date after today and within a year, written like 2027-01-31."

# -- the check-in message --------------------------------------------------------------
TITLE = "## Check-in time \N{SEEDLING}\n-# {guild}"
INTRO = (
    "How ready do you feel right now? 1 = not at all, 5 = very. There are no wrong answers, and it takes "
    "about a minute. I'll suggest one small next step; your mentor, if you have one, sees a short summary."
)
PAGE = "-# Page {page} of 2"
QUESTIONS = {
    D.RESOURCES: "**Resources**: is your own situation stable enough to give some time and money?",
    D.SPEAKING_CONFIDENCE: "**Speaking**: can you make a basic case for yourself, at a door, on a call, in a room?",
    D.POLITICAL_INFORMEDNESS: "**Informed**: do you feel informed enough about the ideas and the politics?",
    D.ARTICULATION: "**Explaining**: can you explain our core ideas in plain words?",
    D.LOCAL_AWARENESS: "**Local awareness**: do you know what's going on locally: issues, groups, officials?",
    D.TIME: "**Time**: do you really have time for this, and can you make some?",
}
SHORT_NAMES = {
    D.RESOURCES: "Resources",
    D.SPEAKING_CONFIDENCE: "Speaking",
    D.POLITICAL_INFORMEDNESS: "Informed",
    D.ARTICULATION: "Explaining",
    D.LOCAL_AWARENESS: "Local awareness",
    D.TIME: "Time",
}
NAMES = {
    D.RESOURCES: "resources",
    D.SPEAKING_CONFIDENCE: "speaking confidence",
    D.POLITICAL_INFORMEDNESS: "feeling informed",
    D.ARTICULATION: "explaining our ideas",
    D.LOCAL_AWARENESS: "local awareness",
    D.TIME: "time",
}
SCORE_LABELS = {1: "1 · not at all", 2: "2 · a little", 3: "3 · somewhat", 4: "4 · mostly", 5: "5 · very"}
PLACEHOLDER = "{name}: choose 1-5"
PLACEHOLDER_PREVIOUS = "{name}: choose 1-5 (last time {score})"
NEXT_BUTTON = "Next: 3 more"
BACK_BUTTON = "Back"
NOTE_BUTTON = "Add a note"
NOTE_EDIT_BUTTON = "Change my note"
SKIP_BUTTON = "Skip this time"
DONE_BUTTON = "Send my answers"
MISSING = "\N{WARNING SIGN} Still to rate: {names}."
NOTE_SAVED = "\N{MEMO} Your note is saved."

NOTE_MODAL_TITLE = "Since last time"
NOTE_MODAL_LABEL = "What did you do in your locale?"
NOTE_MODAL_DESCRIPTION = "Optional. Anything counts, even one conversation. Your mentor will see it."
NOTE_MODAL_PLACEHOLDER = "e.g. asked my neighbour about the bus cuts; read about the council budget"

# -- after answering -------------------------------------------------------------------
THANKS = "## Thank you, that's saved \N{WHITE HEAVY CHECK MARK}"
YOUR_SCORES = "**Your answers**: {scores}"
STEP_TITLE = "**One small next step, for {dimension}**"
STEP_TITLE_PATH = "**One small next step, for {dimension}** (it matters for *{path}*)"
READY = "You're in good shape for *{path}* on everything I ask about. To keep growing:"
REMOTE_OFFER = (
    "**Time is tight right now, and that's completely fine.** You don't need to push. "
    "If you'd like, there are ways to help from home that fit around your life: online work for the "
    "organization, a few minutes at a time. Ask your mentor or a moderator what's needed, or simply rest: "
    "this will still be here when you have more room."
)
NEXT_DUE = "-# Next check-in: {when}. Change it with `/checkin cadence` or `/checkin pause` in the server."
NO_NEXT_DUE = "-# Check-ins are paused. Use `/checkin resume` in the server whenever you like."
LOGGED = "\N{CLAPPING HANDS SIGN} You logged **{count}** thing(s) you did locally since last time. That's real progress."
LOG_INVITE = "-# Did something locally, even a small conversation? Note it with `/log add`: it counts."
SKIPPED = "No problem, skipped. \N{OK HAND SIGN} Take care of yourself."

STEPS = {
    D.RESOURCES: (
        "Pick one thing that costs nothing and fits into an hour a week: one conversation, one shared post, "
        "one evening a month. Small and steady beats big and tiring."
    ),
    D.SPEAKING_CONFIDENCE: (
        "Practise the case for yourself on a call with your mentor (or a friend): two minutes on why you care "
        "and what you'd change. Then do it once more; the second time is always easier."
    ),
    D.POLITICAL_INFORMEDNESS: (
        "Read one short piece on an issue you care about this week, then share one thing you learned in the "
        "server. Questions count too."
    ),
    D.ARTICULATION: (
        "Explain one of our core ideas to a friend in three plain sentences, then ask what they understood. "
        "Adjust, and try it on someone else."
    ),
    D.LOCAL_AWARENESS: (
        "Ask three people what's going on locally: a neighbour, a colleague, someone at the shop or café. "
        "Write down what they say."
    ),
    D.TIME: (
        "Look at your week and find one hour you could protect for this. Put it in your calendar like an "
        "appointment."
    ),
}
PATH_STEPS = {
    (P.RUN_FOR_OFFICE, D.SPEAKING_CONFIDENCE): (
        'Practise a one-minute "why I\'m running" on a call with your mentor or a friend. Ask what stuck, '
        "then say it once more."
    ),
    (P.RUN_FOR_OFFICE, D.LOCAL_AWARENESS): (
        "Find out when the next local election is and who holds the seat now. Then ask three people what "
        "they'd change about the area."
    ),
    (P.SOLIDARITY_NETWORK, D.LOCAL_AWARENESS): (
        "Ask three neighbours or colleagues what's hardest for them right now (rent, bills, work?). "
        "That's where a solidarity network starts."
    ),
    (P.DISCUSSION_GROUP, D.POLITICAL_INFORMEDNESS): (
        "Pick one short text you'd like to discuss, read it, and note two questions it raises. "
        "That's your first meeting's plan."
    ),
    (P.COALITIONS, D.LOCAL_AWARENESS): (
        "List three groups already active near you (a tenants' group, a union branch, a club) and find out "
        "when they next meet."
    ),
    (P.COMMUNITY_LIFE, D.LOCAL_AWARENESS): (
        "Look up one local event this month (a market, a clean-up, a club night) and go. Say hello to two people."
    ),
    (P.REMOTE, D.TIME): (
        "Tell your mentor or a moderator how many minutes a week you have; they'll find a small online task "
        "that fits."
    ),
}

# -- to the mentor and the moderators ---------------------------------------------------
SUMMARY_TITLE = "**Check-in from {member}** · {guild}"
SUMMARY_WEAKEST = "Weakest for their path: **{dimension}**. I suggested: {step}"
SUMMARY_REMOTE = "Their time is short right now; I offered a remote way to help rather than pushing."
SUMMARY_NOTE = "Their note:"
SUMMARY_NO_NOTE = "-# No note this time."
ALERT_DROP = (
    "\N{WARNING SIGN} **{member} dropped by 2 or more** on {drops} since their last check-in. "
    "A short, friendly message from you could help."
)
ALERT_DROP_CHANNEL = "\N{WARNING SIGN} {member} dropped by 2 or more on {drops} since their last check-in."
ALERT_MISSED = (
    "\N{WARNING SIGN} **{member} has missed {count} check-ins in a row.** A friendly hello, "
    "with no pressure, might help."
)
ALERT_MISSED_CHANNEL = "\N{WARNING SIGN} {member} has missed {count} check-ins in a row."
NO_MENTOR = "They have no mentor yet: could someone reach out, gently?"
MENTOR_UNREACHABLE = "I couldn't reach their mentor {mentor}: could someone reach out, gently?"
ALERT_DMS_CLOSED = (
    "\N{NO ENTRY SIGN} I can't send check-ins to {member}: their DMs are closed. I've stopped trying. "
    "They can open DMs from server members and use `/checkin resume`."
)
DROP_ITEM = "{name} ({before} \N{RIGHTWARDS ARROW} {after})"

# -- commands --------------------------------------------------------------------------
CADENCE_LABELS = {7: "every week", 14: "every two weeks", 30: "every month"}
CADENCE_DONE = "Got it: check-ins **{cadence}**, around **{hour:02d}:00** your time ({timezone})."
NEXT_LINE = "Next one: {when}."
PAUSED_UNTIL = "Check-ins are paused until **{date}**. Rest well; I'll pick up after that."
PAUSED = "Check-ins are paused. Whenever you're ready, use `/checkin resume`."
RESUMED = "Welcome back! Check-ins are on again."
RESUMED_DMS = "I'll try your DMs again; please make sure DMs from server members are open."
NOW_SENT = "I've sent you a check-in in your DMs. \N{ENVELOPE WITH DOWNWARDS ARROW ABOVE}"
NOW_OPEN = "You still have an open check-in in your DMs; answer that one whenever you like."
NOW_DMS_CLOSED = (
    "I couldn't send you a private message: your DMs from server members seem closed. "
    "Open them (Server name \N{RIGHTWARDS ARROW} Privacy Settings) and try `/checkin now` again."
)
NOW_FAILED = "I couldn't send it just now. Please try again in a few minutes."
OPEN_BUTTON = "Open my check-in"
HISTORY_TITLE_OWN = "**Your readiness over time**"
HISTORY_TITLE_MENTEE = "**Readiness of {member} over time**"
HISTORY_EMPTY = "No answered check-ins yet. The first one will come soon."
HISTORY_LINE = "{name}: {values}"
HISTORY_COUNTS = "-# {answered} answered · {skipped} skipped · {missed} missed"
HISTORY_NEXT = "-# Next check-in: {when}."
HISTORY_PAUSED = "-# Check-ins are paused."
HISTORY_UNKNOWN_MEMBER = "I don't know that member yet."
HISTORY_NOT_YOUR_MENTEE = "You can see the trend of members you mentor, and your own."
CHART_TITLE = "Readiness over time"
CHART_TITLE_MENTEE = "Readiness of {name} over time"
# The chart's alt text (what a screen reader says; at most 1,024 characters).
CHART_ALT = "Line chart of {whose} readiness, {count} check-in(s) from {first} to {last}, 1 = not at all, 5 = very. Latest: {latest}."
CHART_ALT_OWN = "your"
CHART_ALT_MENTEE = "{name}'s"
CHART_ALT_GAPS = " Gaps mark {count} skipped or missed check-in(s)."
CHART_FILENAME = "readiness.png"
