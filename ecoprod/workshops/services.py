"""Named actions on workshops and machines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from wtforms import SelectChoice

from ecoprod.accounts.models import User
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.signals import workshop_archived
from ecoprod.workshops.models import Machine, Trade, Workshop


def workshop_options(with_rates: bool = False) -> list[SelectChoice]:
    """The school's active workshops, for a select field (with their hourly rate, for quotes)."""
    workshops = db.session.scalars(
        sa.select(Workshop).where(Workshop.archived_at.is_(None)).order_by(Workshop.name)
    )
    if with_rates:
        return [
            SelectChoice(w.id, w.name, render_kw={"data-rate": f"{w.hourly_rate:.2f}"}) for w in workshops
        ]
    return options((w.id, w.name) for w in workshops)


@dataclass
class WorkshopInput:
    name: str
    trade: Trade
    hourly_rate: Decimal
    description: str | None = None


@dataclass
class MachineInput:
    name: str
    description: str | None = None
    regulated: bool = False


def save_workshop(
    workshop: Workshop | None, school_id: int, data: WorkshopInput, masters: Sequence[User]
) -> Workshop:
    if workshop is None:
        workshop = Workshop(school_id=school_id)
        db.session.add(workshop)
    workshop.name = data.name
    workshop.trade = data.trade
    workshop.hourly_rate = data.hourly_rate
    workshop.description = data.description
    workshop.masters = [user for user in masters if user.is_master]
    db.session.flush()
    return workshop


def save_machine(workshop: Workshop, machine: Machine | None, data: MachineInput) -> Machine:
    if machine is None:
        machine = Machine(school_id=workshop.school_id, workshop=workshop)
        db.session.add(machine)
    machine.name = data.name
    machine.description = data.description
    machine.regulated = data.regulated
    db.session.flush()
    return machine


def set_archived(record: Workshop | Machine, archived: bool) -> None:
    record.archived_at = utcnow() if archived else None
    if archived and isinstance(record, Workshop):
        workshop_archived.send(record)
