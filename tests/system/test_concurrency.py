"""Numbers drawn by concurrent senders: consecutive, no gap, no duplicate (both backends)."""

import threading
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.numbering import next_number
from ecoprod.orders.models import Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services
from ecoprod.quotes.models import Quote


def test_twenty_threads_sending_at_once_get_twenty_consecutive_numbers(world, factory, app):
    quotes = []
    for i in range(20):
        order = factory.order(world.customer_user, title=f"Demande parallèle {i}")
        quote = services.start_quote(order, world.master)
        services.save_draft(
            quote,
            world.master,
            services.QuoteInput(
                lines=[
                    services.PricedLineInput(
                        LineKind.OTHER, "Pièce", Unit.PIECE, Decimal(1), Decimal(10), Decimal("20.00")
                    )
                ],
                valid_until=local_today() + timedelta(days=10),
            ),
        )
        quotes.append(quote.id)
    db.session.commit()
    master_id = world.master.id
    barrier = threading.Barrier(20)
    errors = []

    def send(quote_id):
        with app.app_context():
            try:
                from ecoprod.accounts.models import User

                quote = db.session.get(Quote, quote_id)
                master = db.session.get(User, master_id)
                barrier.wait(timeout=30)
                services.send(quote, master)
                db.session.commit()
            except Exception as exc:  # collected and reported below
                errors.append(repr(exc))
                db.session.rollback()

    threads = [threading.Thread(target=send, args=(quote_id,)) for quote_id in quotes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    numbers = sorted(db.session.scalars(sa.select(Quote.base_number).where(Quote.id.in_(quotes))))
    year = local_today().year
    assert numbers == [f"DEV-{year}-{n:04d}" for n in range(1, 21)]


def test_a_rolled_back_number_is_drawn_again(world):
    school_id = world.school.id
    first = next_number(db.session, school_id, "TEST", 2026)
    db.session.rollback()
    again = next_number(db.session, school_id, "TEST", 2026)
    db.session.commit()
    following = next_number(db.session, school_id, "TEST", 2026)
    db.session.commit()
    assert (first, again, following) == ("TEST-2026-0001", "TEST-2026-0001", "TEST-2026-0002")
