"""An import collects garbage rarely, and leaves the collector as it found it."""

import gc

import pytest

from importers.pipeline.gc_tuning import YOUNG_THRESHOLD, fewer_collections


def test_inside_the_block_passes_are_rare_and_older_objects_frozen():
    with fewer_collections():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0


def test_the_settings_come_back_afterwards_even_after_an_error():
    thresholds = gc.get_threshold()
    with pytest.raises(ValueError), fewer_collections():
        raise ValueError("a failed import")
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0
