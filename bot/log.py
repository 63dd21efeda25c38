"""Logging set-up: one format, the configured level, and secrets never written."""

from __future__ import annotations

import logging
import logging.handlers

from bot.config import SecretRedactor, Settings

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(settings: Settings) -> None:
    """Log to stderr (and a rotating file if configured), redacting the secrets."""
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if settings.logging.file is not None:
        settings.logging.file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                settings.logging.file, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
    matrix = settings.matrix
    secrets = (settings.discord.token, matrix.access_token, matrix.password, matrix.crypto_store_key)
    redactor = SecretRedactor(*(secret.get_secret_value() for secret in secrets if secret is not None))
    formatter = logging.Formatter(FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redactor)
    logging.basicConfig(level=settings.logging.level, handlers=handlers, force=True)
    logging.getLogger("discord.gateway").setLevel(max(logging.INFO, logging.getLogger().level))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
