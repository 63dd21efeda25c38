"""The /about text: what groundwork does, in a few warm lines."""

ABOUT_TITLE = "groundwork: organizing where you live"
ABOUT_INTRO = (
    "Our members live everywhere, and in most towns there is only one of us. "
    "I'm here so that nobody organizes alone: I help you get started where you live, "
    "connect you with people who have done it before, and check in now and then."
)
ABOUT_FEATURES = (
    (
        "Getting started",
        "A short private chat about where you live, what you've done before, and what you'd like to do.",
    ),
    (
        "A mentor",
        "If you're the only member near you, an experienced organizer can be introduced to you, "
        "and can send you a personal note through me now and then.",
    ),
    ("Check-ins", "Every few weeks I ask how ready you feel, and suggest one small next step."),
    (
        "Neighbours",
        "Members who live near each other can meet, if both say yes, and grow into a local circle.",
    ),
    ("Your data", "You can see, export or delete everything I keep about you at any time."),
)
ABOUT_COMMANDS_TITLE = "Commands"
ABOUT_NO_COMMANDS = "No commands yet."
# The command groups of /about (cogs/meta.py Section), in the order they are shown.
SECTION_TITLES = {
    "start": "Getting started and your profile",
    "mentor": "Your mentor",
    "checkins": "Check-ins",
    "local": "Near you",
    "data": "Your data",
    "organizers": "For organizers",
    "moderators": "For moderators",
}
ABOUT_FOOTER = (
    "Where you live is never shown to other members without your permission. "
    "Place names: GeoNames (CC BY 4.0)."
)
