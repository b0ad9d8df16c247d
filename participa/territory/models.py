"""Delegaciones (or agencias) and colonias (or localidades) of the municipality."""

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    delegacion_id: Mapped[int] = mapped_column(ForeignKey("delegacion.id"), index=True)
    population: Mapped[int] = mapped_column(default=0)
    delegacion: Mapped[Delegacion] = relationship(back_populates="colonias")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.delegacion.name})"

    def __repr__(self) -> str:
        return f"<Colonia {self.name}>"
