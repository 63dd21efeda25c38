"""The one DM a member who gave only their region gets once small towns can be found."""

TOWN_OFFER_DM = (
    "Hi! In **{guild_name}** you told us your region{region}. We can now find small towns too. "
    "If you'd like, tell us yours; or just ignore this, nothing changes."
)
TOWN_OFFER_REGION = " ({region})"
TOWN_OFFER_BUTTON = "Tell you my town"
UNKNOWN_SERVER = "I don't know that server any more, so there's nothing to change."
NOT_IN_SERVER = "It looks like you're no longer in that server, so there's nothing to change."
