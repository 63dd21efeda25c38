"""The garbage collector as a long-running groundwork process sets it once started up.

What start-up built (the gazetteer's index, every cog, the caches) lives as long as the process:
kept out of the collector's way (`gc.freeze`), a full collection walks only what came after (it
walked everything: a 200-330 ms pause of the event loop every few seconds under load). A full
collection still walks every object made since (discord.py's caches, the conversations under
way) and pauses the loop for 50-150 ms under load; almost all of the bot's garbage is freed by
reference counting, so full collections come ten times less often (after 100 collections of the
middle generation instead of 10).
"""

from __future__ import annotations

import gc

FULL_COLLECTION_EVERY = 100  # middle-generation collections per full one (Python: 10)


def settle_after_startup() -> tuple[int, int, int]:
    """Freeze what exists now and space full collections out; returns the thresholds before,
    for `restore`."""
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], FULL_COLLECTION_EVERY)
    return before


def restore(thresholds: tuple[int, int, int] | None) -> None:
    """Everything given back to the collector, with its thresholds as they were (a process that
    runs on after the bot closed, such as the tests)."""
    gc.unfreeze()
    if thresholds is not None:
        gc.set_threshold(*thresholds)
