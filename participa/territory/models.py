"""Delegaciones (or agencias) and colonias (or localidades) of the municipality."""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.extensions import db


class Delegacion(db.Model):
    """A delegación or agencia; its population is the sum of its colonias'."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    colonias: Mapped[list["Colonia"]] = relationship(
        back_populates="delegacion", order_by="Colonia.name"
    )

    @property
    def population(self) -> int:
        return sum(colonia.population for colonia in self.colonias)

    def __repr__(self) -> str:
        return f"<Delegacion {self.name}>"


class Colonia(db.Model):
    __table_args__ = (
        UniqueConstraint("delegacion_id", "name"),
        CheckConstraint("population >= 0", name="population_positive"),
        Index("ix_colonia_bbox", "min_lon", "min_lat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    delegacion_id: Mapped[int] = mapped_column(ForeignKey("delegacion.id"), index=True)
    population: Mapped[int] = mapped_column(default=0)
    delegacion: Mapped[Delegacion] = relationship(back_populates="colonias")
    # Its outline, a GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude), imported
    # by staff (territory/boundaries.py); the box around it finds candidates for a point fast.
    # Deferred: pages that list colonias must not load every polygon. `outline` is the same
    # shape simplified (about 10 m) for drawing, so a map of every colonia stays light.
    boundary: Mapped[dict | None] = mapped_column(
        JSON(none_as_null=True), default=None, deferred=True
    )
    outline: Mapped[dict | None] = mapped_column(
        JSON(none_as_null=True), default=None, deferred=True
    )
    min_lat: Mapped[float | None] = mapped_column(default=None)
    max_lat: Mapped[float | None] = mapped_column(default=None)
    min_lon: Mapped[float | None] = mapped_column(default=None)
    max_lon: Mapped[float | None] = mapped_column(default=None)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.delegacion.name})"

    def __repr__(self) -> str:
        return f"<Colonia {self.name}>"
