"""What the bot says, one module a feature, written for someone new to organizing."""
