"""The annuaire: where a French business or public buyer receives its e-invoices.

Before an invoice to such a buyer is issued, the school's platform is asked (Directory
Service, ``searchDirectoryLine``) for the buyer's lines; the one that fits the buyer (its
service's routing code, else its facility, else its SIREN) is kept with the date it was
asked, and becomes the invoice's BT-49. A buyer with no active line cannot receive an
e-invoice: issuing is refused, with the reason, before anything is numbered.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ecoprod import audit, signals
from ecoprod.customers.models import Customer
from ecoprod.database import utcnow
from ecoprod.einvoicing.client import PlatformError
from ecoprod.einvoicing.models import BuyerAddress, PlatformConnection
from ecoprod.einvoicing.services.connection import EinvoicingError, client_for, connection_of
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.models import Invoice


def needs_address(customer: Customer) -> bool:
    """A French business or public body with a SIREN: its invoices go through the platforms."""
    return customer.customer_type.e_invoiced and bool(customer.siren)


def address_of(customer: Customer) -> BuyerAddress | None:
    """The annuaire's last answer about this customer, if it was asked about its current
    SIREN, SIRET and routing code (a changed customer must be asked again)."""
    found = _kept(customer)
    if found is None or (found.siren, found.siret, found.routing_identifier) != _asked(customer):
        return None
    return found


def _kept(customer: Customer) -> BuyerAddress | None:
    return db.session.scalars(
        sa.select(BuyerAddress).where(BuyerAddress.customer_id == customer.id)
    ).one_or_none()


def _asked(customer: Customer) -> tuple[str, str | None, str | None]:
    return (customer.siren or "", customer.siret or None, customer.service_code or None)


def choose_line(lines: list[dict[str, Any]], siret: str | None, routing: str | None) -> dict[str, Any] | None:
    """The active line that fits the buyer best: its service (SIRET and routing code), then
    its facility (SIRET alone), then the company (the SIREN alone). A line at a suffix is
    the buyer's own arrangement, used only when it is the company's only line."""
    active = [line for line in lines if line.get("directoryLineStatus") == "Enabled"]

    def at(siret_: str | None, routing_: str | None) -> dict[str, Any] | None:
        return next(
            (
                line
                for line in active
                if line.get("siret") == siret_
                and line.get("routingIdentifier") == routing_
                and not line.get("addressingSuffix")
            ),
            None,
        )

    candidates = []
    if routing:
        candidates.append(
            next(
                (
                    ln
                    for ln in active
                    if ln.get("routingIdentifier") == routing and ln.get("siret") in (siret, None)
                ),
                None,
            )
        )
    if siret:
        candidates.append(at(siret, None))
    candidates.append(at(None, None))
    if len(active) == 1:
        candidates.append(active[0])
    return next((line for line in candidates if line is not None), None)


def look_up(connection: PlatformConnection, customer: Customer) -> BuyerAddress:
    """Ask the annuaire now and keep its answer (raises ``PlatformError``)."""
    siren, siret, routing = _asked(customer)
    lines = client_for(connection).directory_lines(siren)
    line = choose_line(lines, siret, routing)
    found = _kept(customer)
    if found is None:
        found = BuyerAddress(customer_id=customer.id, school_id=customer.school_id)
        db.session.add(found)
    found.siren, found.siret, found.routing_identifier = siren, siret, routing
    found.addressing_identifier = str(line["addressingIdentifier"]) if line else None
    found.checked_at = utcnow()
    db.session.flush()
    audit.record("einvoicing.directory_checked", customer, reference=found.addressing_identifier or "no line")
    return found


def check_now(customer: Customer) -> BuyerAddress:
    """The admin's "check in the annuaire" (raises ``EinvoicingError`` with the reason)."""
    connection = connection_of(customer.school_id)
    if connection is None:
        raise EinvoicingError(str(_l("Connect the school to its platform first.")))
    if not needs_address(customer):
        raise EinvoicingError(
            str(_l("Only a French business or public body with a SIREN is in the directory."))
        )
    try:
        return look_up(connection, customer)
    except PlatformError as exc:
        raise EinvoicingError(str(_l("The directory could not be read: %(error)s", error=str(exc)))) from exc


@signals.invoice_issuing.connect
def buyer_address_for_issue(invoice: Invoice, **_: Any) -> str | None:
    """Before the numbering (``signals.invoice_issuing``): the buyer's electronic address for
    BT-49, asked again when the last answer is older than ``DIRECTORY_MAX_AGE_DAYS``. Refuses
    to issue when the annuaire says the buyer cannot receive; when the platform cannot be
    reached, the last answer holds, or the SIREN (the company's own line) if it never
    answered: the transmission will tell if that was wrong."""
    customer = invoice.customer
    if not needs_address(customer) or invoice.is_internal:
        return None
    connection = connection_of(invoice.school_id)
    if connection is None:
        return None
    known = address_of(customer)
    max_age = timedelta(days=int(current_app.config.get("DIRECTORY_MAX_AGE_DAYS", 7)))
    if known is None or known.checked_at < utcnow() - max_age:
        with contextlib.suppress(PlatformError):  # the platform is down: issuing goes on
            known = look_up(connection, customer)
    if known is None:
        return customer.siren
    if not known.can_receive:
        raise InvoicingError(
            str(
                _l(
                    "%(customer)s cannot receive e-invoices: the directory has no active line "
                    "for SIREN %(siren)s. Check the customer's SIREN, SIRET and service code, "
                    "or ask them which platform they chose.",
                    customer=customer.name,
                    siren=customer.siren,
                )
            )
        )
    return known.addressing_identifier
