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

# -- /privacy export: the file a person can read ------------------------------------------------
# The message with the file: what it holds, in a sentence ({kept}: "your profile, 4 check-ins, ...").
EXPORT_SUMMARY = (
    "Here is everything groundwork keeps about you: {kept}. The file has the details, in sections."
)
EXPORT_AND = " and "
EXPORT_KEPT_PROFILE = "your profile"
EXPORT_KEPT_PLACE = "where you live"
EXPORT_KEPT_COUNTS = {
    "onboarding": ("1 conversation getting to know you", "{n} conversations getting to know you"),
    "checkins": ("1 check-in", "{n} check-ins"),
    "mentoring": ("1 mentorship", "{n} mentorships"),
    "circles": ("1 circle", "{n} circles"),
    "logged": ("1 thing you logged", "{n} things you logged"),
    "introductions": ("1 introduction to a neighbour", "{n} introductions to neighbours"),
    "buddies": ("1 buddy offer", "{n} buddy offers"),
    "welcome_calls": ("1 welcome call invitation", "{n} welcome call invitations"),
    "contacts": ("1 time you met someone", "{n} times you met someone"),
    "audit": ("1 entry in the log of what happened", "{n} entries in the log of what happened"),
}
EXPORT_TITLE = "Everything groundwork keeps about you"
EXPORT_ABOUT = (
    "Kept by groundwork in the server {server}, exported {at}. Times are in UTC. "
    "/privacy delete removes all of it."
)
EXPORT_FILE_LABEL = "About this file"
# Section titles, in the order they appear.
EXPORT_SECTIONS = {
    "profile": "Your profile",
    "choices": "Your choices",
    "checkin_settings": "Check-in settings",
    "place": "Where you live",
    "onboarding": "Getting to know you (onboarding)",
    "checkins": "Check-ins",
    "mentoring": "Mentoring",
    "organizer": "As an organizer",
    "organizer_suggestion": "Suggested as a future organizer",
    "waiting": "Waiting for a mentor",
    "local": "Local life",
    "buddies": "Buddies",
    "welcome_calls": "Welcome calls",
    "contacts": "People you met through groundwork",
    "audit": "What was recorded about you (the log moderators see)",
}
# What each stored value is, in words: per section, the stored name -> its label.
EXPORT_FIELDS = {
    "profile": {
        "user_id": "Your Discord account id",
        "status": "Status",
        "timezone": "Time zone",
        "languages": "Languages",
        "experience": "Experience",
        "experience_note": "What you did before, in your words",
        "wants_to_mentor": "Offered to mentor newer members",
        "mentor_capacity": "Mentees you could take",
        "paths": "What you'd like to build",
        "is_isolated": "The only member near you (when last worked out)",
        "mentor_requested_at": "Asked for a mentor",
        "joined_at": "Joined the server",
        "onboarded_at": "Finished getting to know you",
        "left_at": "Left the server",
        "created_at": "First stored",
        "updated_at": "Last changed",
    },
    "choices": {
        "locale_sharing": "Who may see where you live",
        "organizer_contact_ok": "An organizer may contact you",
        "neighbour_offers_muted": "Offers to meet neighbours turned off",
        "share_activity": "What you log is shared with your mentor and circle",
    },
    "checkin_settings": {
        "checkin_cadence_days": "How often (your choice)",
        "checkin_local_hour": "Hour of the day (your time)",
        "checkins_paused": "Paused",
        "checkins_paused_until": "Paused until",
        "missed_checkins": "Missed in a row",
        "dms_closed_at": "Your direct messages were closed to me since",
    },
    "place": {
        "place": "Place, as shown to you",
        "precision": "How precisely you told me",
        "name": "Town",
        "district_name": "County or district",
        "region_name": "Region",
        "country_name": "Country",
        "latitude": "Latitude of the place (its centre, not your address)",
        "longitude": "Longitude of the place (its centre, not your address)",
        "timezone": "Time zone of the place",
        "extent_km": "Size of the area (km)",
    },
    "onboarding": {
        "status": "Status",
        "step": "Where the conversation was",
        "answers": "Your answers",
        "started_at": "Started",
        "updated_at": "Last answer",
        "expires_at": "Would time out",
        "completed_at": "Finished",
        "reminder_due_at": "A reminder to finish was due",
    },
    "onboarding_answers": {
        "place": "Where you live",
        "timezone": "Time zone",
        "languages": "Languages",
        "experience": "Experience",
        "experience_note": "What you did before, in your words",
        "mentor_capacity": "Mentees you could take",
        "paths": "What you'd like to build",
        "readiness": "How ready you felt",
        "locale_sharing": "Who may see where you live",
        "organizer_contact_ok": "An organizer may contact you",
    },
    "checkins": {
        "kind": "Kind",
        "status": "What happened",
        "due_at": "Due",
        "sent_at": "Sent to you",
        "reminded_at": "Reminded",
        "answered_at": "Answered",
        "note": "Your note",
        "answers": "Your answers (1 = not at all, 5 = very)",
    },
    "mentoring": {
        "role": "You were",
        "mentor": "Mentor",
        "mentee": "Mentee",
        "status": "Status",
        "source": "How it was matched",
        "proposed_at": "Proposed",
        "decided_at": "Approved or declined",
        "introduced_at": "Introduced",
        "followup_due_at": 'Next "how is it going?"',
        "ended_at": "Ended",
        "end_reason": "Why it ended",
    },
    "organizer": {
        "status": "Status",
        "capacity": "Mentees you take",
        "languages": "Languages you mentor in",
        "confirmed_at": "Confirmed",
        "created_at": "Became an organizer",
        "updated_at": "Last changed",
    },
    "organizer_suggestion": {
        "status": "Where it stands",
        "readiness": "Your average readiness then (1-5)",
        "suggested_at": "Suggested to your mentor",
        "endorsed_at": "Your mentor endorsed you",
        "answered_at": "You answered",
        "decided_at": "A moderator decided",
    },
    "waiting": {
        "wait": "Your rough wait, as last told",
        "position": "Your place on the list then",
        "told_at": "Told on",
    },
    "local": {
        "neighbour_offers": "Offers to meet neighbours",
        "neighbour_introductions": "Introductions to neighbours",
        "circles": "Circles",
        "practice_requests": "Practice partners",
        "activity_log": "What you logged (/log)",
        "status": "Status",
        "neighbours": "Neighbours near you then",
        "at": "When",
        "asked_by_you": "You asked",
        "your_answer": "Your answer",
        "circle": "Circle",
        "role": "You were",
        "joined_at": "Joined",
        "left_at": "Left",
        "kind": "What",
        "note": "Your note",
        "source": "Logged by",
    },
    "buddies": {
        "groups": "Buddy offers",
        "opted_out_at": "You asked not to be offered buddies",
        "status": "Status",
        "offered_at": "Offered",
        "answer": "Your answer",
        "introduced_at": "Introduced",
        "did_you_talk": "Did you talk?",
        "ended_at": "Ended",
    },
    "welcome_calls": {
        "invitations": "Invitations",
        "hosted": "Calls you host",
        "call_at": "The call",
        "band": "For time zones",
        "answer": "Your answer",
        "invited_at": "Invited",
        "answered_at": "Answered",
        "reminded_day_at": "Reminded the day before",
        "reminded_hour_at": "Reminded the hour before",
        "attended": "You came",
        "minutes_in_call": "Minutes in the voice channel during the call",
        "how_it_was": "How it was",
        "answered_how_it_was_at": "Said how it was",
        "weekday": "Day",
        "local_time": "Time, in your time zone",
        "timezone": "Your time zone then",
        "voice_channel_id": "Voice channel (its id)",
        "location": "Link or place",
        "size": "How many it invites at most",
        "status": "Status",
        "created_at": "Started",
        "cancelled_at": "Ended",
    },
    "contacts": {"kind": "How", "at": "When"},
    "audit": {"at": "When", "action": "What", "by": "Done by", "details": "Details"},
}
EXPORT_CALL_ANSWERS = {
    "pending": "no answer",
    "interested": "I'd like to come",
    "cant_make_it": "can't make it",
}
EXPORT_CALL_FEEDBACK = {"glad": "glad I came", "okay": "it was okay", "not_for_me": "not really for me"}
EXPORT_YES, EXPORT_NO = "yes", "no"
EXPORT_NOBODY_NAMED = "someone no longer in the server"
EXPORT_ROLE = {"mentee": "the mentee", "mentor": "the mentor"}
EXPORT_BY_YOU, EXPORT_BY_BOT, EXPORT_BY_MODERATOR = "you", "groundwork", "a moderator"
EXPORT_EVERY_DAYS = "every {days} days"
EXPORT_HOUR = "{hour:02d}:00"
# Stored words as people say them (a value missing here is shown as it is stored, "_" as spaces).
EXPORT_WORDS = {
    "member_status": {
        "new": "new",
        "onboarding": "getting to know you",
        "active": "active",
        "left": "left the server",
    },
    "precision": {
        "city": "your town",
        "district": "your county",
        "region": "your region",
        "country": "your country",
    },
    "conversation": {
        "open": "open",
        "completed": "finished",
        "expired": "timed out",
        "abandoned": "replaced by a restart",
    },
    "checkin_kind": {
        "baseline": "the first one, while getting to know you",
        "scheduled": "regular",
        "on_demand": "you asked for it (/checkin now)",
    },
    "checkin_status": {
        "scheduled": "not sent yet",
        "sending": "being sent",
        "sent": "waiting for your answer",
        "answered": "answered",
        "skipped": "you skipped it",
        "missed": "missed (the next one came first)",
        "undeliverable": "could not reach you (DMs closed)",
        "cancelled": "not sent",
    },
    "mentorship_status": {
        "proposed": "proposed, waiting for a moderator",
        "rejected": "not approved",
        "active": "active",
        "ended": "ended",
    },
    "mentorship_source": {
        "instant": "matched when you finished getting to know you",
        "batch": "matched in a regular round",
        "manual": "paired by a moderator",
    },
    "end_reason": {
        "not_a_fit": "not a good fit",
        "organizer_left": "the organizer left",
        "member_left": "the mentee left",
        "moderator": "ended by a moderator",
        "data_deleted": "data deleted",
    },
    "suggestion": {
        "suggested": "your mentor was asked",
        "endorsed": "your mentor endorsed you; you were asked",
        "accepted": "you said yes; a moderator was asked",
        "confirmed": "confirmed: you are an organizer",
        "not_yet": "your mentor said not yet",
        "declined": "you said no thanks",
        "not_now": "a moderator said not now",
    },
}
