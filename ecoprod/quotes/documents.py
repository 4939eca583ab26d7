"""The quote's PDF and the acceptance stamp laid over its last page."""

from __future__ import annotations

from flask_babel import force_locale

from ecoprod.pdf import render_pdf
from ecoprod.quotes.models import Quote
from ecoprod.schools.services import pdf_logo, school_of


def pdf_context(quote: Quote) -> dict[str, object]:
    school = school_of(quote)
    logo = pdf_logo(school)
    return {
        "quote": quote,
        "school": school,
        "customer": quote.customer,
        "order": quote.order,
        "totals": quote.totals(),
        "logo": logo,
    }


def render_quote(quote: Quote) -> bytes:
    with force_locale(quote.language or "fr"):
        return render_pdf("pdf/quote.html", **pdf_context(quote))
