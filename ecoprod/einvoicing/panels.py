"""What e-invoicing shows on other domains' pages: on an issued invoice, where it stands with
the platform; on a draft and on a customer's page, where the customer receives e-invoices
(administrators only: a customer follows it on their own platform)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ecoprod.accounts.models import User
from ecoprod.customers.models import Customer
from ecoprod.einvoicing.cdar import ALERTS, STATUSES
from ecoprod.einvoicing.services import correction, statuses
from ecoprod.einvoicing.services.connection import connection_of
from ecoprod.einvoicing.services.directory import address_of, needs_address
from ecoprod.einvoicing.services.sending import status_transmissions, transmission_of
from ecoprod.einvoicing.services.statuses import timeline
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.invoicing.models import Invoice
from ecoprod.listfilters import ListFilter
from ecoprod.panels import Panel


def invoice_panel(invoice: Invoice, user: User) -> Panel | None:
    if not user.is_admin:
        return None
    transmission = transmission_of(invoice.id)
    if transmission is None:
        return None
    sent = status_transmissions(invoice)
    return Panel(
        "einvoicing/_invoice_panel.html",
        {
            "transmission": transmission,
            "timeline": timeline(invoice),
            "problems": [t for t in sent if t.state in statuses.PROBLEMS],
            "labels": STATUSES,
            "alerts": ALERTS,
            "can_replace": correction.can_replace(invoice),
            "cancelled_by": invoice.cancelled_by_id and db.session.get(Invoice, invoice.cancelled_by_id),
        },
    )


def customer_panel(customer: Customer, user: User) -> Panel | None:
    return _directory_panel(customer, user, None)


def draft_panel(invoice: Invoice, user: User) -> Panel | None:
    return _directory_panel(invoice.customer, user, invoice)


def _directory_panel(customer: Customer, user: User, invoice: Invoice | None) -> Panel | None:
    if not user.is_admin or connection_of(customer.school_id) is None:
        return None
    return Panel(
        "einvoicing/_directory_panel.html",
        {
            "customer": customer,
            "e_invoiced": needs_address(customer),
            "address": address_of(customer),
            "invoice": invoice,
        },
    )


def dashboard_panel(user: User) -> Panel | None:
    """The dashboard's count of documents per life-cycle status, and of those to look at."""
    if not user.is_admin or connection_of(user.school_id) is None:
        return None
    return Panel("einvoicing/_dashboard_panel.html", {"counts": statuses.counts(), "labels": STATUSES})


def _choices() -> list[tuple[str, str]]:
    return [
        ("", str(_l("Any e-invoicing status"))),
        ("to_handle", str(_l("To handle"))),
        ("waiting", str(_l("Not yet accepted by the platform"))),
        *((str(code), f"{code} {label}") for code, label in STATUSES.items()),
    ]


def _narrow(stmt: sa.Select[Any], value: str) -> sa.Select[Any]:
    if value == "to_handle":
        ids = statuses.to_handle()
    elif value == "waiting":
        ids = statuses.waiting()
    else:
        ids = statuses.at_status(int(value))
    return stmt.where(Invoice.id.in_(ids))


INVOICE_FILTER = ListFilter(
    name="einvoice",
    label=_l("E-invoicing status"),
    choices=_choices,
    narrow=_narrow,
    visible=lambda user: bool(user.is_admin),
)
