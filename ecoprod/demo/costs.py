"""The material the masters paid for the demo's accepted orders (the margins' other half):
about what each quote priced for material, a little over or under, bought the week after
the quote was accepted, recorded by a master of the workshop."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders.models import FIRM, Order
from ecoprod.pricing.models import LineKind
from ecoprod.quotes.models import Quote, QuoteState
from ecoprod.reports.services.costs import MaterialCostInput, record
from ecoprod.tenancy import scoped_to

SUPPLIERS = ("Facture Métaux Rhône-Alpes", "Facture Aciers du Lyonnais", "Facture Quincaillerie Pro")


def seed_material_costs(school_id: int, rng: random.Random) -> None:
    with scoped_to(db.session, school_id):
        recorder = db.session.scalars(
            sa.select(User).where(User.school_id == school_id, User.role == Role.MASTER).order_by(User.id)
        ).first()
        quotes = db.session.scalars(
            sa.select(Quote)
            .join(Order, Order.id == Quote.order_id)
            .where(Quote.state == QuoteState.ACCEPTED, Order.state.in_(FIRM))
            .order_by(Quote.id)
        ).all()
        for quote in quotes:
            material = [line for line in quote.lines if line.kind is LineKind.MATERIAL]
            if not material or recorder is None:
                continue
            priced = sum((line.quantity * line.unit_price for line in material), Decimal("0"))
            share = Decimal(rng.randint(80, 115)) / 100
            answered = (quote.answered_at or quote.sent_at or utcnow()).date()
            bought = min(answered + timedelta(days=rng.randint(1, 7)), local_today())
            workshop_id = next((line.workshop_id for line in quote.lines if line.workshop_id), None)
            amount = (priced * share).quantize(Decimal("0.01"))
            record(
                db.session.get(Order, quote.order_id),
                MaterialCostInput(rng.choice(SUPPLIERS), amount, bought, workshop_id),
                recorder,
            )
