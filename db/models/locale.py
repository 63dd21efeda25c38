"""Places members live in, as resolved from the offline gazetteer."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, enum_check
from db.enums import LocalePrecision


class Locale(Base):
    """A city, region or country; shared by every member who lives there."""

    __tablename__ = "locales"
    __table_args__ = (
        CheckConstraint(enum_check("precision", LocalePrecision), name="precision_known"),
        # Who lives near whom starts from places, not from every member (bot.services.nearby):
        # the places of a country or region, and the towns in a band of latitude.
        Index("ix_locales_country_region", "country_code", "region_code"),
        Index("ix_locales_city_position", "precision", "latitude", "longitude"),
        Index("ix_locales_country_district", "country_code", "district_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The gazetteer's stable key ("city:2950159", "district:US.UT.019", "region:DE.16", "country:DE").
    key: Mapped[str] = mapped_column(String(100), unique=True)
    precision: Mapped[LocalePrecision] = mapped_column(StrEnumType(LocalePrecision, 16))
    name: Mapped[str] = mapped_column(String(200))
    # The county or district (GeoNames admin2, qualified: "US.UT.019"), where known.
    district_code: Mapped[str | None] = mapped_column(String(40))
    district_name: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(20))
    region_name: Mapped[str | None] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(String(2))
    country_name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # For an area (district, region, country): how far its towns lie from its point, in km.
    # None for a town (a point), and for areas stored before it was known.
    extent_km: Mapped[float | None] = mapped_column(Float)
