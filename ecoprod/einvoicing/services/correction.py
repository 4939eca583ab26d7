"""Correcting an invoice the platform rejected or the buyer refused, as XP Z12-014 says.

- **213 Rejetée** (§4.2.2, §4.2.4), or a file the platform refused at its checks: the seller
  cancels the invoice in its accounts by an *internal* credit note, which is kept (the XML says
  ``BAR`` ``ARCHIVEONLY``, BR-FR-20) and never sent, and issues a new invoice (a new number:
  BR-FR-CO-02 refuses a number sent before).
- **210 Refusée** (§4.2.5): the same, the new invoice if need be.
- **207 En litige** is not cancelled here: once the dispute is settled, a credit note sent to
  the buyer like an invoice, then a new invoice if need be (§4.2.6).

``cancel_and_replace`` does the first two in one step: the internal credit note issued, the
invoice marked cancelled (its quantities free again for the new one), and a new draft with
the same lines for the administrator to check and issue.
"""

from __future__ import annotations

from ecoprod import audit
from ecoprod.accounts.models import User
from ecoprod.einvoicing.models import TransmissionState
from ecoprod.einvoicing.services.connection import EinvoicingError
from ecoprod.einvoicing.services.sending import transmission_of
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing import services as invoicing
from ecoprod.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from ecoprod.pricing.models import priced_fields

CANCELLING_STATUSES = frozenset({210, 213})


def can_replace(invoice: Invoice) -> bool:
    """An issued invoice (not a credit note) the platform rejected, or whose latest status is
    210 Refusée or 213 Rejetée, not cancelled yet."""
    if invoice.is_draft or invoice.kind is InvoiceKind.CREDIT_NOTE or invoice.cancelled_by_id:
        return False
    sent = transmission_of(invoice.id)
    if sent is None:
        return False
    return sent.state is TransmissionState.REJECTED or sent.current_status in CANCELLING_STATUSES


def cancel_and_replace(invoice: Invoice, by: User) -> Invoice:
    """The internal credit note of the whole invoice, issued and kept (not sent), and the new
    draft that replaces the invoice; the caller commits."""
    if not can_replace(invoice):
        raise EinvoicingError(
            [str(_l("Only an invoice the platform rejected or the buyer refused is cancelled this way."))]
        )
    note = invoicing.draft_credit_note(invoice, by)
    invoice.cancelled_by_id = note.id  # before issuing: the note is rendered as internal
    db.session.flush()
    invoicing.issue(note, by)
    replacement = Invoice(
        school_id=invoice.school_id,
        kind=InvoiceKind.INVOICE,
        customer_id=invoice.customer_id,
        language=invoice.language,
        payment_terms=invoice.payment_terms,
        created_by_id=by.id,
        discount_percent=invoice.discount_percent,
        buyer_reference=invoice.buyer_reference,
        service_code=invoice.service_code,
        notes=invoice.notes,
    )
    replacement.orders = list(invoice.orders)
    replacement.lines = [
        InvoiceLine(
            school_id=invoice.school_id,
            position=line.position,
            order_id=line.order_id,
            quote_line_id=line.quote_line_id,
            **priced_fields(line),
        )
        for line in invoice.lines
    ]
    db.session.add(replacement)
    db.session.flush()
    audit.record("einvoicing.invoice_cancelled", invoice, reference=note.number, actor_id=by.id)
    return replacement
