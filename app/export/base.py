"""What every dump writer takes and gives back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.export.selection import BATCH_SIZE

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_DATA_LICENCE = "OGL-UK-3.0"


@dataclass
class ExportSettings:
    """`data_licence` covers Signpost's own services (those with no source records);
    `public_url` is where the API is reached, for links; `progress` is called with the
    number of services written after each batch; `generated` is the dump's time stamp."""

    data_licence: str = DEFAULT_DATA_LICENCE
    public_url: str = DEFAULT_PUBLIC_URL
    batch_size: int = BATCH_SIZE
    progress: Callable[[int], None] = field(default=lambda _count: None)
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def from_config(cls, config: Any, **kwargs: Any) -> ExportSettings:
        return cls(
            data_licence=config.get("SIGNPOST_DATA_LICENCE") or DEFAULT_DATA_LICENCE,
            public_url=(config.get("SIGNPOST_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/"),
            **kwargs,
        )

    def service_url(self, service_id: str) -> str:
        return f"{self.public_url}/services/{service_id}"


@dataclass
class WriteResult:
    """What a writer wrote: how many records (services, or features for GeoJSON) and the
    licence/source metadata of the data in it (see provenance.Provenance.metadata)."""

    records: int
    metadata: dict[str, Any]
