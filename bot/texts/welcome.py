"""The first message a new member gets."""

WELCOME_DM = (
    "Welcome to **{guild_name}**! \N{WAVING HAND SIGN}\n\n"
    "I'm groundwork, the server's helper for organizing where you live. "
    "Most of our members are the only one in their town, so nobody is expected to know where to start.\n\n"
    "When you're ready, I'll ask you a few short questions (about five minutes): where you live, "
    "what you've done before, and what you'd like to try. You can stop at any time and pick up later."
)
WELCOME_BACK_DM = (
    "Welcome back to **{guild_name}**! Everything you told me before is still here. "
    "Use `/profile` in the server to see or change it."
)
