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

# One next step per dimension, by how the member scored it: "start" (1-2), "build" (3) and
# "stretch" (4-5), two of each, so the next time the same dimension comes up the step is new.
STEPS = {
    D.RESOURCES: {
        "start": (
            "Pick one thing that costs nothing and fits into an hour a week: one conversation, one shared post, "
            "one evening a month. Small and steady beats big and tiring.",
            "Ask your mentor or the server what's free to borrow: a meeting room, a printer, a video call "
            "account. Most of what organizing needs is already out there.",
        ),
        "build": (
            "Write down what you could give each month (an evening, a lift, a little money) and tell your "
            "mentor. Knowing it makes saying yes easier.",
            "Find one local place that lends space for free (a library room, a café corner) and note when it's "
            "open. That's your first meeting spot.",
        ),
        "stretch": (
            "Help someone newer find what they need: share the free room or tool you found in the server.",
            "Ask one local group what they're short of, and see whether the server can help them get it.",
        ),
    },
    D.SPEAKING_CONFIDENCE: {
        "start": (
            "Practise the case for yourself on a call with your mentor (or a friend): two minutes on why you care "
            "and what you'd change. Then do it once more; the second time is always easier.",
            "Record yourself on your phone saying in one minute why this matters to you. Listen once, "
            "then delete it. That's it for this week.",
        ),
        "build": (
            "Say one thing out loud at a meeting or in a voice channel this week: a question counts. "
            "Notice that the room is on your side.",
            "Tell two people you know (not online) about something you care about locally. Short and real is "
            "enough.",
        ),
        "stretch": (
            "Offer to open or close the next meeting you go to: two minutes, your own words.",
            "Ask a local group if you can say a few words at their next meeting about what we do.",
        ),
    },
    D.POLITICAL_INFORMEDNESS: {
        "start": (
            "Read one short piece on an issue you care about this week, then share one thing you learned in the "
            "server. Questions count too.",
            "Find out who represents you locally (your councillor or mayor) and what they said last month. "
            "One search is enough to start.",
        ),
        "build": (
            "Pick one local issue and read two takes on it from different sides. Note where they agree.",
            "Look up the agenda of your next council meeting and pick one item you'd like to understand better.",
        ),
        "stretch": (
            "Write a short, plain summary of one local issue and share it in the server for others to use.",
            "Go to (or watch) a council meeting and tell the server what happened in five lines.",
        ),
    },
    D.ARTICULATION: {
        "start": (
            "Explain one of our core ideas to a friend in three plain sentences, then ask what they understood. "
            "Adjust, and try it on someone else.",
            "Write down in one sentence why you joined. No jargon: how you'd say it to a neighbour.",
        ),
        "build": (
            "Take one idea you care about and find a local example of it. Ideas land better with a real place "
            "in them.",
            "Answer one question someone asked in the server, in your own words. Short is good.",
        ),
        "stretch": (
            "Write a short post for a local group or newsletter about one thing we stand for, with a local "
            "example.",
            "Explain one idea to someone who disagrees, and listen to their answer first. Note what you learn.",
        ),
    },
    D.LOCAL_AWARENESS: {
        "start": (
            "Ask three people what's going on locally: a neighbour, a colleague, someone at the shop or café. "
            "Write down what they say.",
            "Walk a street near you you don't usually take, and note one thing that needs fixing or one place "
            "where people gather.",
        ),
        "build": (
            "Find the local groups already active near you (a tenants' group, a club, a food bank) and note "
            "when they meet.",
            "Read your local news or community page this week and note the one issue people talk about most.",
        ),
        "stretch": (
            "Go to one local group's meeting and introduce yourself. You don't have to say more than hello.",
            "Map who does what locally in five lines and share it in the server: it helps whoever comes next.",
        ),
    },
    D.TIME: {
        "start": (
            "Look at your week and find one hour you could protect for this. Put it in your calendar like an "
            "appointment.",
            "Pick one small thing that takes ten minutes and do it this week. Ten minutes counts.",
        ),
        "build": (
            "Choose one regular slot (the same evening each week or month) and tell your mentor. "
            "Regular beats a lot.",
            "Swap one scrolling session this week for one organizing task. Note how it felt.",
        ),
        "stretch": (
            "Plan your next month: two things you'll do, with dates. Share them with your mentor.",
            "Offer one hour this month to help someone newer get started.",
        ),
    },
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
ORGANIZER_QUIET = "They're one of our organizers: a moderator could check in with them, gently."
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
# The one reminder before an unanswered check-in counts as missed (sent in the member's waking hours).
REMINDER = (
    "\N{SEEDLING} A gentle nudge: your check-in from {sent} is still waiting for you. "
    "It takes about two minutes, and it stays open until {closes}, when the next one arrives."
)
REMINDER_STARTED = (
    "\N{SEEDLING} You started your check-in from {sent}, and your answers so far are saved. "
    "Finish it whenever suits you before {closes}, when the next one arrives."
)
REMINDER_SKIP = (
    "-# Not a good time? **Skip this time** on the check-in is fine too. This is the only reminder."
)
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
