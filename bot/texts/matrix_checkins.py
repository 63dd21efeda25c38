"""Check-ins on Matrix: one message with the six questions, answered with six numbers or one at a
time. The questions, names and next steps are Discord's (bot/texts/checkins); what differs here
is how to answer (messages, not menus) and the commands (`!gw checkin ...`, not /checkin)."""

HELP_CHECKIN = "Your check-ins: what's open and when the next one comes"
HELP_CHECKIN_NOW = "A check-in right now"
HELP_CHECKIN_PAUSE = "Pause check-ins (optionally until a date: !gw checkin pause 2027-01-31)"
HELP_CHECKIN_RESUME = "Check-ins on again"
HELP_CHECKIN_CADENCE = "How often: !gw checkin cadence 7, 14 or 30 (days), optionally an hour: … 30 18"
HELP_CHECKIN_HISTORY = "Your answers over time"

TITLE = "**Check-in time** \N{SEEDLING} · {community}"
INTRO = (
    "How ready do you feel right now? 1 = not at all, 5 = very. There are no wrong answers, and it "
    "takes about a minute. I'll suggest one small next step; your mentor, if you have one, sees a "
    "short summary."
)
QUESTION = "{number}. {question}"
LAST_TIME = " (last time {score})"
HOW_TO_ANSWER = (
    "Answer with six numbers from 1 to 5, in this order, like: **3 4 2 5 3 4**\n"
    "Or one at a time: send the number for question 1, and I'll ask the next.\n"
    "Not a good time? Send **skip**. Want to tell your mentor what you did? Send **note** and your words."
)

GOT_ONE = "Got it: {name} **{score}**."
NEXT_QUESTION = "Next, {number} of 6: {question}"
NOTE_SAVED = "\N{MEMO} Your note is saved. {left}"
NOTE_CLEARED = "Your note is removed. {left}"
NOTE_EMPTY = "Write your note after the word, like: **note asked my neighbour about the bus cuts**"
LEFT_TO_ANSWER = "Still to answer: {names}. Send their numbers in the order listed."
ALL_ANSWERED = "Every question is answered."

# Answers I could not use: said plainly, with what would work.
BAD_SCORE = "Each answer is a number from 1 to 5, and {value} isn't one. Please send it again."
WRONG_COUNT = (
    "I got {count} numbers, but there are 6 questions. Send all six in the order listed "
    "(like **3 4 2 5 3 4**), or just one for the next question."
)
TOO_MANY_LEFT = (
    "I got {count} numbers, but only {left} question(s) are left: {names}. Send {left} number(s), "
    "or one at a time."
)

THANKS = "**Thank you, that's saved** \N{WHITE HEAVY CHECK MARK}"
YOUR_SCORES = "**Your answers**: {scores}"
NEXT_DUE = "Next check-in: {when}. Change it with !gw checkin cadence or !gw checkin pause."
NO_NEXT_DUE = "Check-ins are paused. Send !gw checkin resume whenever you like."
LOG_INVITE = "Did something locally, even a small conversation? It counts, tell your mentor."
WHEN = "{day} at {time} ({zone})"

NOT_A_MEMBER = "I don't know you as a member of this community yet, so there are no check-ins for you."
NOTHING_OPEN = "You have no check-in waiting right now."
OPEN_NOW = "Your check-in is waiting for your answers. {left}"
NOW_OPEN = "You still have an open check-in: answer that one whenever you like. {left}"
NOW_SENT = "I've sent you a check-in here. \N{ENVELOPE WITH DOWNWARDS ARROW ABOVE}"
NOW_FAILED = "I couldn't send it just now. Please try again in a few minutes."
PAUSED_UNTIL = "Check-ins are paused until **{date}**. Rest well; I'll pick up after that."
PAUSED = "Check-ins are paused. Whenever you're ready, send !gw checkin resume."
RESUMED = "Welcome back! Check-ins are on again."
SCHEDULE = "Check-ins **{cadence}**, around **{hour:02d}:00** your time ({zone})."
CADENCE_HOW = "Send !gw checkin cadence with 7, 14 or 30 (days), and optionally an hour from 0 to 23, like: !gw checkin cadence 14 18"
HISTORY_EMPTY = "No answered check-ins yet. The first one will come soon."

REMINDER = (
    "\N{SEEDLING} A gentle nudge: your check-in from {sent} is still waiting for you. It takes "
    "about two minutes, and it stays open until {closes}, when the next one arrives. "
    "Not a good time? Send **skip**. This is the only reminder."
)
REMINDER_STARTED = (
    "\N{SEEDLING} You started your check-in from {sent}, and your answers so far are saved. "
    "Finish it whenever suits you before {closes}, when the next one arrives. {left}"
)

# To the mentor and the moderators: the member named by their Matrix id, as text (never a ping).
SUMMARY_TITLE = "**Check-in from {member}** · {community}"
SUMMARY_NOTE = "Their note: {note}"
ALERT_DMS_CLOSED = (
    "\N{NO ENTRY SIGN} I can't send check-ins to {member}: I couldn't reach them in a direct chat."
)
