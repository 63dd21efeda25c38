"""What moderators read about chat steps (introductions, ...) that keep failing."""

FAILED = (
    "I tried {attempts} times and couldn't finish {what}. It's listed in `/mod outbox`; "
    "you may want to do it by hand."
)
WHAT = {
    "introduction": "introducing {people}",
    "circle_space": "opening the channel of local circle {people}",
    "member_roles": "giving a new member their roles ({people})",
    "announcement": "welcoming a new member in the announcements channel ({people})",
    "neighbour_introduction": "introducing neighbours {people}",
    "practice_introduction": "introducing practice partners {people}",
    "circle_join": "letting {people} into their local circle",
    "circle_leave": "letting {people} out of the local circle they left",
    "circle_close": "closing local circle {people}",
    "mentor_nudge": "telling the mentor that {people} haven't met yet",
    "organizer_review": "posting {people}'s offer to mentor for review",
}
WHAT_UNKNOWN = "a step in Discord ({kind})"
PEOPLE_AND = " and "
PEOPLE_AND_BY_KIND = {"introduction": " and their mentor ", "mentor_nudge": " and their mentor "}

LIST_TITLE = "Steps in Discord that are stuck"
LIST_EMPTY = "Nothing is stuck. Every introduction went out. \N{SEEDLING}"
LIST_LINE = "{what} · {state} · {attempts} tries · since {since}{error}"
STATE_FAILED = "gave up"
STATE_RETRYING = "still retrying"
ERROR = " · last error: {error}"
