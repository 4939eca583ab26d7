"""Workshops: saved from their input with their masters, options for the editors' selects."""

from __future__ import annotations

from decimal import Decimal

from ecoprod.accounts.models import Role
from ecoprod.extensions import db
from ecoprod.tenancy import scoped_to
from ecoprod.workshops import services
from ecoprod.workshops.models import Trade


def test_only_masters_run_a_workshop(world, factory):
    customer = factory.user(world.school, Role.CUSTOMER, customer=world.company)
    with scoped_to(db.session, world.school.id):
        workshop = services.save_workshop(
            None,
            world.school.id,
            services.WorkshopInput("Soudure", Trade.METALWORK, Decimal("48.50"), None),
            [world.master, customer],
        )
        db.session.commit()
    assert [u.id for u in workshop.masters] == [world.master.id]
    assert workshop.hourly_rate == Decimal("48.50")


def test_the_editors_options_carry_the_hourly_rate_and_skip_archived_workshops(world):
    with scoped_to(db.session, world.school.id):
        services.set_archived(world.metalwork, True)
        db.session.commit()
        plain = services.workshop_options()
        with_rates = services.workshop_options(with_rates=True)
    assert [c.label for c in plain] == ["Usinage Alpha"]
    assert with_rates[0].render_kw == {"data-rate": f"{world.machining.hourly_rate:.2f}"}


def test_a_machine_is_saved_from_its_input(world):
    with scoped_to(db.session, world.school.id):
        machine = services.save_machine(world.machining, None, services.MachineInput("Tour CN", None, True))
        db.session.commit()
    assert machine.regulated and machine.workshop_id == world.machining.id
