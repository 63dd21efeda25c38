"""What groundwork says on Matrix: commands are `!gw ...` messages (there are no slash commands).

Each command's line of help (`HELP_...`) is registered with it (matrix_adapter/router.py);
`!gw help` lists them in the order they were registered.
"""

PREFIX = "!gw"

HELP_HELP = "This list of what you can ask me"
HELP_PRIVACY_SHOW = "What I keep about you"

HELP_INTRO = "Hi! I'm groundwork. Send me any of these as a message:"
HELP_LINE = "{command} — {description}"
UNKNOWN_COMMAND = "I don't know “{command}” yet. Send {help} to see what I can do."
PRIVATE_ONLY = "That's about you alone, so I only answer it in our direct chat. Send it to me there."
PRIVACY_SHOW_INTRO = "This is everything I store about you here."
