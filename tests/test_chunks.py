"""`chunks` cuts every IN list and bulk statement: nothing lost, nothing repeated."""

import pytest

from app.chunks import IN_LIST, chunks


def test_pieces_keep_every_item_in_order():
    items = list(range(1234))
    pieces = list(chunks(items))
    assert [len(piece) for piece in pieces] == [IN_LIST, IN_LIST, 234]
    assert [item for piece in pieces for item in piece] == items


def test_a_stream_is_cut_without_being_read_whole():
    stream = (n for n in range(5))
    first = next(chunks(stream, 2))
    assert first == [0, 1]
    assert next(stream) == 2  # the rest is still unread


def test_nothing_gives_no_pieces():
    assert list(chunks([], 10)) == []


def test_a_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        list(chunks([1], 0))
