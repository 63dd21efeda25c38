"""`!gw privacy export` and `!gw privacy delete` on Matrix (the rest is bot/texts/privacy)."""

HELP_PRIVACY_EXPORT = "Everything I keep about you, as a file"
HELP_PRIVACY_DELETE = "Delete everything I keep about you (I ask you to confirm first)"

EXPORT_FAILED = "I couldn't send you the file just now. Please try again in a few minutes."
DELETE_CONFIRM_HOW = (
    "To go ahead, send **!gw privacy delete confirm** (or just **confirm**) within {minutes} minutes. "
    "To keep everything, send **cancel**, or do nothing."
)
DELETE_NOTHING_ASKED = (
    "Please send **!gw privacy delete** first: I'll tell you what goes, and then you can confirm."
)
DELETED = "Done. Everything I kept about you has been deleted. If you ever want to start again, just send me a message."
