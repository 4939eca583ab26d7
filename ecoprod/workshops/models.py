"""Workshops (ateliers), their trade, masters, hourly rate and machines."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoprod.database import ArchivableMixin, Line, Money, TimestampMixin, enum_type
from ecoprod.extensions import db
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.slots import WORKING_WEEK
from ecoprod.tenancy import TenantMixin

if TYPE_CHECKING:
    from ecoprod.accounts.models import User


class Trade(enum.StrEnum):
    MACHINING = "usinage"
    BOILERMAKING = "chaudronnerie"
    METALWORK = "metallerie"
    INDUSTRIAL_ELECTRICITY = "electricite_industrielle"
    TEXTILE = "textile"
    WOODWORK = "bois"
    JEWELLERY = "joaillerie"
    CAR_MECHANICS = "mecanique_automobile"
    PRINTING = "imprimerie"
    HORTICULTURE = "horticulture"

    @property
    def label(self) -> str:
        return label(TRADE_LABELS[self])


TRADE_LABELS = {
    Trade.MACHINING: _l("Machining"),
    Trade.BOILERMAKING: _l("Boilermaking"),
    Trade.METALWORK: _l("Metalwork"),
    Trade.INDUSTRIAL_ELECTRICITY: _l("Industrial electricity"),
    Trade.TEXTILE: _l("Textile"),
    Trade.WOODWORK: _l("Woodwork"),
    Trade.JEWELLERY: _l("Jewellery"),
    Trade.CAR_MECHANICS: _l("Car mechanics"),
    Trade.PRINTING: _l("Printing"),
    Trade.HORTICULTURE: _l("Horticulture"),
}


# Which masters run which workshops.
workshop_masters = sa.Table(
    "workshop_masters",
    db.metadata,
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Workshop(TenantMixin, ArchivableMixin, TimestampMixin, db.Model):
    __tablename__ = "workshops"
    __table_args__ = (sa.CheckConstraint("hourly_rate >= 0", name="hourly_rate_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Line(120))
    trade: Mapped[Trade] = mapped_column(enum_type(Trade, 40))
    hourly_rate: Mapped[Decimal] = mapped_column(Money())
    description: Mapped[str | None] = mapped_column(sa.Text)
    # Half-days of the week the workshop is open (see ecoprod.slots).
    open_pattern: Mapped[int] = mapped_column(default=WORKING_WEEK, server_default=sa.text(str(WORKING_WEEK)))

    masters: Mapped[list[User]] = relationship(
        secondary=workshop_masters, back_populates="workshops", order_by="User.full_name"
    )
    machines: Mapped[list[Machine]] = relationship(
        back_populates="workshop", order_by="Machine.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Workshop {self.name}>"


class Machine(TenantMixin, ArchivableMixin, TimestampMixin, db.Model):
    __tablename__ = "machines"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshops.id"), index=True)
    name: Mapped[str] = mapped_column(Line(120))
    description: Mapped[str | None] = mapped_column(Line(300))
    # Machines on which work by minors is regulated (décret 2013-915): a derogation,
    # a medical opinion, a training and a supervisor are needed before a minor uses it.
    regulated: Mapped[bool] = mapped_column(default=False)

    workshop: Mapped[Workshop] = relationship(back_populates="machines")
