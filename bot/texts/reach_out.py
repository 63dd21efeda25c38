"""Reaching out: a mentor or a moderator sends a member a short personal message through the bot."""

# To the member, by DM: who wrote, then their words (quoted, never a ping).
FROM_MENTOR = "A message from your mentor {sender}:\n>>> {text}"
FROM_MODERATOR = "A message from {sender}, one of the server's moderators:\n>>> {text}"
REPLY_HINT = "\n\nYou can answer them directly: just send them a message."

# To the sender, only them.
SENT = "Sent to {member}. I've noted that you reached out."
NOT_DELIVERED = (
    "I couldn't deliver that to {member}: their DMs seem to be closed. Nothing was recorded. "
    "You could mention them in a channel instead and ask them to open their DMs."
)
EMPTY = "There's nothing to send: write a few words for them."
TOO_LONG = "That's a little long for a DM from the bot: {limit} characters at most, please."
NOT_YOUR_MENTEE = "You can reach out through the bot to your own mentees only."
NOT_A_MEMBER = "They're not an active member here (they may not have finished getting to know the bot)."
NOT_YOURSELF = "That's you: pick someone else to reach out to."

# The moderators' modal.
MODAL_TITLE = "Reach out"
MODAL_LABEL = "Your message"
MODAL_DESCRIPTION = "A short personal note. It goes to them by DM from the bot, signed with your name."
MODAL_PLACEHOLDER = "Hi! I noticed you joined recently. How are things going where you are?"
BUTTON = "Reach out"
