"""Stable IDs are uuid5s of their parts: the same source record always gets the same IDs."""

import uuid

import pytest

from app.models import stable_id
from app.models.provenance import SIGNPOST_NAMESPACE


@pytest.mark.parametrize(
    "parts",
    [
        ("source",),
        ("careplace-camden", "S12@NW51QR", "service/phones/0"),
        ("lvsc", "Café Ça Va", "organization", "ünïcode ✓"),
        ("", ""),
        (),
    ],
)
def test_stable_id_is_the_uuid5_of_the_joined_parts(parts):
    expected = str(uuid.uuid5(SIGNPOST_NAMESPACE, "\x1f".join(parts)))
    assert stable_id(*parts) == expected
    assert uuid.UUID(stable_id(*parts)).version == 5
