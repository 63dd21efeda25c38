"""What members read when something goes wrong."""

UNEXPECTED = (
    "Sorry, something went wrong on our side and your request was not finished. "
    "Please try again in a minute. If it keeps happening, tell a moderator this code: `{error_id}`."
)
NOT_ALLOWED = "Sorry, you can't use that here. If you think you should be able to, ask a moderator."
GUILD_ONLY = "Please use this command in the server, not in a direct message."
COOLDOWN = "Easy there! Please try again in {seconds:.0f} seconds."
BAD_INPUT = "I couldn't use that: {detail}"
STALE_BUTTON = "That button belongs to an older message and no longer works. Please start again."
