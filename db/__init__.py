"""Persistence: models, the async engine and session factory, and migrations helpers."""
