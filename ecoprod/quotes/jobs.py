"""Work after the commit, run by the worker: each job is its own transaction, commits it,
and can run again without doing anything twice.

A quote's PDF is claimed (``pdf_claimed_at``) before it is rendered; the PDF, its SHA-256
and the customer's e-mail are committed together, so a worker killed while rendering
leaves the quote waiting, and the sweep renders it once its claim has expired.
``flask quotes render`` retries the renders that failed."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader, PdfWriter

from ecoprod import documents
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.jobs import daily_at, every_minute, job, lease, periodic
from ecoprod.pdf import render_pdf
from ecoprod.quotes.documents import render_quote
from ecoprod.quotes.models import PdfStatus, Quote, QuoteState
from ecoprod.quotes.notices import notify_customer


def _claim_pdf(quote_id: int) -> Quote | None:
    """Take the quote's rendering for this process, unless another holds a live claim."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Quote)
        .where(
            Quote.id == quote_id,
            Quote.pdf_status.in_([PdfStatus.PENDING, PdfStatus.FAILED]),
            sa.or_(Quote.pdf_claimed_at.is_(None), Quote.pdf_claimed_at < now - lease()),
        )
        .values(pdf_claimed_at=now)
        .execution_options(synchronize_session=False, all_schools=True)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None  # rendered already, or being rendered by a live process
    return db.session.scalars(
        sa.select(Quote).where(Quote.id == quote_id).execution_options(all_schools=True)
    ).one()


@job(retries=4, retry_delay=30, retry_backoff=2)
def render_pdf_and_notify(quote_id: int) -> None:
    """Render the sent quote's PDF once, store it with its SHA-256, then e-mail the customer."""
    quote = _claim_pdf(quote_id)
    if quote is None:
        return
    try:
        data = render_quote(quote)
    except Exception as exc:
        db.session.rollback()
        quote.pdf_status = PdfStatus.FAILED
        quote.pdf_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    quote.pdf_sha256 = documents.keep(db.session, quote.school_id, data)
    quote.pdf_size = len(data)
    quote.pdf_status = PdfStatus.READY
    quote.pdf_error = None
    quote.pdf_claimed_at = None
    notify_customer(quote)
    db.session.commit()


def pending_pdf_ids(*, failed: bool = True) -> list[int]:
    """Quotes whose PDF waits (and those that failed), across schools; none under a live claim."""
    states = [PdfStatus.PENDING, PdfStatus.FAILED] if failed else [PdfStatus.PENDING]
    expired = utcnow() - lease()
    return list(
        db.session.scalars(
            sa.select(Quote.id)
            .where(
                Quote.pdf_status.in_(states),
                sa.or_(Quote.pdf_claimed_at.is_(None), Quote.pdf_claimed_at < expired),
            )
            .order_by(Quote.id)
            .execution_options(all_schools=True)
        )
    )


def accepted_without_copy_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Quote.id)
            # Only an acceptance of a stored PDF has a copy to make (a quote of a bulk import
            # accepted before EcoProd has neither).
            .where(
                Quote.state == QuoteState.ACCEPTED,
                Quote.accepted_copy_sha256.is_(None),
                Quote.accepted_pdf_sha256.is_not(None),
            )
            .order_by(Quote.id)
            .execution_options(all_schools=True)
        )
    )


@periodic(every_minute(), at_start=True)
def sweep() -> None:
    """Enqueue again what a killed process left: PDFs still waiting, accepted copies missing.

    Failed renders are retried by their job's own backoff, then by ``flask quotes render``.
    """
    for quote_id in pending_pdf_ids(failed=False):
        render_pdf_and_notify(quote_id)
    for quote_id in accepted_without_copy_ids():
        store_accepted_copy(quote_id)


def expire_due(today: date | None = None) -> int:
    """Mark every sent quote past its validity as expired; returns how many."""
    today = today or local_today()
    result = db.session.execute(
        sa.update(Quote)
        .where(Quote.state == QuoteState.SENT, Quote.valid_until < today)
        .values(state=QuoteState.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


@periodic(daily_at(3, 15))
def expire_due_quotes() -> None:
    """Mark sent quotes past their validity date as expired, every night (``flask quotes expire``)."""
    expire_due()
    db.session.commit()


@job(retries=4, retry_delay=30, retry_backoff=2)
def store_accepted_copy(quote_id: int) -> None:
    """The accepted PDF with an acceptance stamp on its last page, stored beside the original."""
    quote = db.session.scalars(
        sa.select(Quote).where(Quote.id == quote_id).execution_options(all_schools=True)
    ).one()
    if quote.accepted_copy_sha256 or quote.state is not QuoteState.ACCEPTED:
        return
    original = documents.read(quote.school_id, quote.pdf_sha256) or b""
    if hashlib.sha256(original).hexdigest() != quote.accepted_pdf_sha256:
        raise RuntimeError(f"quote {quote.id}: the stored PDF is not the one accepted")
    with force_locale(quote.language or "fr"):
        stamp = render_pdf("pdf/acceptance_stamp.html", quote=quote)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    writer.pages[-1].merge_page(PdfReader(io.BytesIO(stamp)).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    quote.accepted_copy_sha256 = documents.keep(db.session, quote.school_id, buffer.getvalue())
    db.session.commit()
