"""Work after the commit: each job is its own transaction, commits it, and can run again
(``flask quotes render`` retries the renders that failed)."""

from __future__ import annotations

import hashlib
import io

import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader, PdfWriter

from ecoprod.extensions import db
from ecoprod.pdf import render_pdf
from ecoprod.quotes.documents import render_quote
from ecoprod.quotes.models import PdfStatus, Quote, QuoteState
from ecoprod.quotes.notices import notify_customer
from ecoprod.storage import file_store


def render_pdf_and_notify(quote_id: int) -> None:
    """Render the sent quote's PDF once, store it with its SHA-256, then e-mail the customer."""
    quote = db.session.scalars(
        sa.select(Quote).where(Quote.id == quote_id).execution_options(all_schools=True)
    ).one()
    if quote.pdf_status is PdfStatus.READY:
        return
    try:
        data = render_quote(quote)
    except Exception as exc:
        db.session.rollback()
        quote.pdf_status = PdfStatus.FAILED
        quote.pdf_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    quote.pdf_file = file_store().save(quote.school_id, data, db.session)
    quote.pdf_sha256 = hashlib.sha256(data).hexdigest()
    quote.pdf_size = len(data)
    quote.pdf_status = PdfStatus.READY
    quote.pdf_error = None
    notify_customer(quote)
    db.session.commit()


def pending_pdf_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Quote.id).where(Quote.pdf_status.in_([PdfStatus.PENDING, PdfStatus.FAILED]))
        )
    )


def store_accepted_copy(quote_id: int) -> None:
    """The accepted PDF with an acceptance stamp on its last page, stored beside the original."""
    quote = db.session.scalars(
        sa.select(Quote).where(Quote.id == quote_id).execution_options(all_schools=True)
    ).one()
    if quote.accepted_pdf_file or quote.state is not QuoteState.ACCEPTED:
        return
    original = file_store().path(quote.school_id, quote.pdf_file).read_bytes()
    if hashlib.sha256(original).hexdigest() != quote.accepted_pdf_sha256:
        raise RuntimeError(f"quote {quote.id}: the stored PDF is not the one accepted")
    with force_locale(quote.language or "fr"):
        stamp = render_pdf("pdf/acceptance_stamp.html", quote=quote)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    writer.pages[-1].merge_page(PdfReader(io.BytesIO(stamp)).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    quote.accepted_pdf_file = file_store().save(quote.school_id, buffer.getvalue(), db.session)
    db.session.commit()
