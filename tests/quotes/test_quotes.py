"""Quotes: building, sending (number, freeze, PDF), answering, revising, expiring."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from ecoprod import documents
from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders import services as orders
from ecoprod.orders.models import Order, OrderState, Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import access, services
from ecoprod.quotes.models import PdfStatus, QuoteState
from tests.conftest import login_as, post

D = Decimal


def quote_input(**overrides):
    lines = [
        services.PricedLineInput(
            LineKind.LABOUR, "Usinage des axes", Unit.HOUR, D("6"), D("48.00"), D("20.00")
        ),
        services.PricedLineInput(
            LineKind.MATERIAL, "Barre acier C45 Ø25", Unit.METRE, D("12.5"), D("8.40"), D("20.00"), D("5")
        ),
        services.PricedLineInput(LineKind.OTHER, "Transport", Unit.FLAT, D("1"), D("35.00"), D("10.00")),
    ]
    values = {
        "lines": lines,
        "valid_until": local_today() + timedelta(days=30),
        "promised_date": local_today() + timedelta(days=40),
    }
    values.update(overrides)
    return services.QuoteInput(**values)


def sent_quote(world, **overrides):
    quote = services.start_quote(world.submitted, world.master)
    services.save_draft(quote, world.master, quote_input(**overrides))
    services.send(quote, world.master)
    db.session.commit()
    run_committed()
    db.session.refresh(quote)
    return quote


def pdf_text(app, quote, stored=None):
    reader = PdfReader(io.BytesIO(documents.read(quote.school_id, stored or quote.pdf_sha256)))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_draft_starts_from_the_request_lines_at_the_workshop_rate(world):
    quote = services.start_quote(world.submitted, world.master)
    (line,) = quote.lines
    assert line.kind is LineKind.LABOUR
    assert line.unit_price == D("45.00")
    assert line.vat_rate == D("20.00")
    assert quote.valid_until == local_today() + timedelta(days=30)
    assert quote.base_number is None
    assert services.start_quote(world.submitted, world.master).id == quote.id  # one draft at a time


def test_only_masters_of_the_trades_and_admins_can_price(world):
    with pytest.raises(services.QuoteError):
        services.start_quote(world.submitted, world.metal_master)
    assert services.start_quote(world.submitted, world.admin)


def test_sending_numbers_freezes_and_renders_the_pdf(world, app):
    db.session.execute(sa.delete(OutboxEmail))
    quote = sent_quote(world)
    year = local_today().year
    assert quote.number == f"DEV-{year}-0001"
    assert quote.state is QuoteState.SENT
    assert (quote.total_net, quote.total_vat, quote.total_gross) == (D("422.75"), D("81.05"), D("503.80"))
    assert world.submitted.state is OrderState.QUOTED
    assert quote.pdf_status is PdfStatus.READY
    import hashlib

    stored = documents.read(quote.school_id, quote.pdf_sha256)
    assert hashlib.sha256(stored).hexdigest() == quote.pdf_sha256
    assert stored.startswith(b"%PDF-")
    emails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "quote_sent")).all()
    assert {e.to_address for e in emails} == {world.customer_user.email}
    assert f"/quotes/{quote.id}" in emails[0].body
    with pytest.raises(services.QuoteError):
        services.save_draft(quote, world.master, quote_input())


def test_the_pdf_carries_the_mandatory_mentions(world, app):
    quote = sent_quote(world)
    reader, text = pdf_text(app, quote)
    assert len(reader.pages) == 1
    for expected in [
        "DEVIS",
        quote.number,
        "École Alpha",
        world.school.siret,
        "Mécanique Zéphyr",
        world.company.siren,
        "Usinage des axes",
        "Barre acier C45",
        "Transport",
        "422,75",
        "81,05",
        "503,80",  # totals
        "TVA 20 % sur 387,75",
        "77,55",
        "TVA 10 % sur 35,00",
        "3,50",  # VAT breakdown per rate
        "Valable jusqu’au",
        "Bon pour accord",
        "SIGNATURE",
        "1 / 1",
        "30 jours",
    ]:
        assert expected.replace("\u202f", " ") in text.replace("\u202f", " ").replace("\xa0", " "), expected


def test_a_school_outside_vat_prints_its_mention_and_no_vat(world, app):
    from ecoprod.schools.models import VatRegime

    world.school.vat_regime = VatRegime.FRANCHISE
    db.session.commit()
    lines = [services.PricedLineInput(LineKind.LABOUR, "Usinage", Unit.HOUR, D("2"), D("50"), D("0.00"))]
    quote = sent_quote(world, lines=lines)
    assert quote.total_vat == D("0.00")
    _, text = pdf_text(app, quote)
    assert "TVA non applicable, art. 293 B du CGI" in text
    draft = services.revise(quote, world.master)
    with pytest.raises(services.QuoteError):
        services.save_draft(draft, world.master, quote_input())  # 20 % is not allowed outside VAT


def test_a_long_quote_spans_pages_and_repeats_the_table_header(world, app):
    lines = [
        services.PricedLineInput(
            LineKind.MATERIAL, f"Pièce repère {i:03d}", Unit.PIECE, D("2"), D("3.10"), D("20.00")
        )
        for i in range(120)
    ]
    quote = sent_quote(world, lines=lines)
    reader, _ = pdf_text(app, quote)
    assert len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Montant HT" in text, f"no table header on page {number}"
        assert f"{number} / {len(reader.pages)}" in text


def test_customer_accepts_the_exact_pdf_and_the_order_becomes_firm(world, app):
    quote = sent_quote(world)
    services.accept(
        quote, world.customer_user, full_name="Claire Cliente", ip="192.0.2.7", user_agent="Firefox"
    )
    db.session.commit()
    run_committed()
    db.session.refresh(quote)
    assert quote.state is QuoteState.ACCEPTED
    assert quote.accepted_pdf_sha256 == quote.pdf_sha256
    assert (quote.accepted_ip, quote.accepted_user_agent, quote.accepted_name) == (
        "192.0.2.7",
        "Firefox",
        "Claire Cliente",
    )
    order = world.submitted
    db.session.refresh(order)
    assert order.state is OrderState.ACCEPTED
    assert order.promised_date == quote.promised_date
    _, text = pdf_text(app, quote, quote.accepted_copy_sha256)
    assert "ACCEPTÉ EN LIGNE" in text
    assert quote.pdf_sha256 in text
    staff = {
        e.to_address
        for e in db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == "quote_accepted"))
    }
    assert staff == {world.master.email, world.admin.email}


def test_a_quote_cannot_be_accepted_twice_after_expiry_or_once_superseded(world):
    quote = sent_quote(world)
    services.accept(quote, world.customer_user, full_name="Claire", ip=None, user_agent=None)
    with pytest.raises(services.QuoteError):
        services.accept(quote, world.customer_user, full_name="Claire", ip=None, user_agent=None)
    db.session.rollback()


def test_a_quote_of_a_cancelled_request_cannot_be_answered(world, client):
    quote = sent_quote(world)
    orders.cancel(db.session.get(Order, world.submitted.id), world.admin, "Plus nécessaire")
    db.session.commit()
    with pytest.raises(services.QuoteError):
        services.accept(quote, world.customer_user, full_name="Claire", ip=None, user_agent=None)
    db.session.rollback()
    login_as(client, world.customer_user)
    assert post(client, f"/quotes/{quote.id}/accept", {"full_name": "Claire"}).status_code == 403
    assert db.session.get(Order, world.submitted.id).state is OrderState.CANCELLED


def test_an_expired_quote_cannot_be_accepted_and_the_command_expires_it(world, app):
    quote = sent_quote(world)
    import time_machine

    with time_machine.travel(local_today() + timedelta(days=31)):
        assert access.effective_state(quote) is QuoteState.EXPIRED
        with pytest.raises(services.QuoteError):
            services.accept(quote, world.customer_user, full_name="Claire", ip=None, user_agent=None)
        db.session.rollback()
        result = app.test_cli_runner().invoke(args=["quotes", "expire"])
        assert "1 quote(s) expired" in result.output
    db.session.refresh(quote)
    assert quote.state is QuoteState.EXPIRED


def test_a_revision_supersedes_the_previous_version_when_sent(world):
    first = sent_quote(world)
    services.refuse(first, world.customer_user, "Trop cher")
    db.session.commit()
    assert first.state is QuoteState.DECLINED
    revision = services.revise(first, world.master)
    assert revision.version == 2
    assert [line.description for line in revision.lines] == [line.description for line in first.lines]
    assert access.is_current(first)  # a draft revision does not replace it yet
    services.send(revision, world.master)
    db.session.commit()
    run_committed()
    db.session.refresh(first)
    assert revision.number == f"{first.number}-v2"
    assert first.state is QuoteState.SUPERSEDED
    assert not access.is_current(first)
    with pytest.raises(services.QuoteError):
        services.accept(first, world.customer_user, full_name="Claire", ip=None, user_agent=None)
    db.session.rollback()


def test_numbers_follow_each_other_and_a_rollback_gives_its_number_back(world, factory):
    first = sent_quote(world)
    other = factory.order(world.customer_user, title="Deuxième demande")
    quote = services.start_quote(other, world.master)
    services.send(quote, world.master)
    drawn = quote.base_number
    db.session.rollback()
    quote = services.start_quote(db.session.merge(other), world.master)
    services.send(quote, world.master)
    db.session.commit()
    year = local_today().year
    assert first.number == f"DEV-{year}-0001"
    assert drawn == quote.number == f"DEV-{year}-0002"


def test_the_pdf_is_in_the_customers_language(world, app):
    world.company.language = "en"
    db.session.commit()
    quote = sent_quote(world)
    _, text = pdf_text(app, quote)
    assert "QUOTE" in text
    assert "Total excl. VAT" in text
    assert "DEVIS" not in text


def test_the_render_command_retries_a_failed_pdf(world, app):
    quote = services.start_quote(world.submitted, world.master)
    services.send(quote, world.master)
    db.session.commit()  # not run: as if the process had died before rendering
    quote.pdf_status = PdfStatus.FAILED
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["quotes", "render"])
    assert result.exit_code == 0, result.output
    db.session.refresh(quote)
    assert quote.pdf_status is PdfStatus.READY
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.template == "quote_sent")
        )
        == 1
    )
