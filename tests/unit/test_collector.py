"""bot.collector: what exists at start-up is kept out of collections, full collections are spaced
out, and both are given back as they were."""

from __future__ import annotations

import gc

from bot import collector


def test_start_up_is_frozen_and_full_collections_spaced_out_then_given_back() -> None:
    before = gc.get_threshold()
    thresholds = collector.settle_after_startup()
    try:
        assert thresholds == before
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (before[0], before[1], collector.FULL_COLLECTION_EVERY)
    finally:
        collector.restore(thresholds)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
