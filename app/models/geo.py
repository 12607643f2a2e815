"""Reference geography: postcode centroids and named boundary areas (boroughs, wards)."""

from __future__ import annotations

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, id_column, text


class Postcode(Base):
    """One live postcode's centroid (ONSPD or Code-Point Open), for geocoding and search."""

    __tablename__ = "postcode"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)  # "SW1A 1AA"
    district: Mapped[str] = mapped_column(String(4), index=True)  # outward code "SW1A"
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    admin_district: Mapped[str | None] = mapped_column(String(9))  # GSS code, E09000007
    admin_ward: Mapped[str | None] = mapped_column(String(9))


class Area(Base):
    """A named boundary polygon: a borough, ward or PCN, from any GeoJSON.

    The polygon is kept as GeoJSON text with its bounding box on both engines; PostGIS
    also gets a generated geometry column (see the migration).
    """

    __tablename__ = "area"
    # Which areas' boxes hold a point, without reading the (large) GeoJSON of the others.
    __table_args__ = (Index("ix_area_bbox", "min_lat", "max_lat", "min_lon", "max_lon"),)

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(Text, default="borough", index=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    code: Mapped[str | None] = mapped_column(Text, index=True)
    geojson: Mapped[str] = mapped_column(Text)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = text()
