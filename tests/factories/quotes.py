"""Orders whose quote was priced, sent and accepted through the quote services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderState
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services as quotes
from ecoprod.tenancy import scoped_to
from tests.factories.reference import Factory, World


def accepted_order(
    factory: Factory,
    world: World,
    title: str,
    lines: list[tuple[str, str, str, str, str]],
    discount: str = "0",
    state: OrderState = OrderState.READY,
    workshop_id: int | None = None,
) -> Order:
    """An order whose quote (lines: kind, description, quantity, unit price, VAT rate) was
    accepted, moved on to ``state`` (the planning tests cover the way there); its lines done in
    ``workshop_id`` when given."""
    with scoped_to(db.session, world.school.id):
        order = factory.order(world.customer_user, title=title)
        quote = quotes.start_quote(order, world.master)
        quotes.save_draft(
            quote,
            world.master,
            quotes.QuoteInput(
                lines=[
                    quotes.PricedLineInput(
                        LineKind(kind),
                        description,
                        orders.Unit.HOUR if kind == "labour" else orders.Unit.PIECE,
                        Decimal(quantity),
                        Decimal(price),
                        Decimal(rate),
                        workshop_id=workshop_id,
                    )
                    for kind, description, quantity, price, rate in lines
                ],
                valid_until=local_today() + timedelta(days=20),
                discount_percent=Decimal(discount),
            ),
        )
        quotes.send(quote, world.master)
        db.session.commit()
        run_committed()
        quotes.accept(quote, world.customer_user, full_name="Claire Cliente", ip=None, user_agent=None)
        db.session.commit()
        run_committed()
        order = db.session.get(Order, order.id)
        order.state = state
        db.session.commit()
    return order
