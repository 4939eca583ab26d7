"""What e-invoicing shows on other domains' pages: on an issued invoice, where it stands with
the platform; on a draft and on a customer's page, where the customer receives e-invoices
(administrators only: a customer follows it on their own platform)."""

from __future__ import annotations

from ecoprod.accounts.models import User
from ecoprod.customers.models import Customer
from ecoprod.einvoicing.cdar import ALERTS, STATUSES
from ecoprod.einvoicing.services.directory import address_of, connection_of_school, needs_address
from ecoprod.einvoicing.services.sending import transmission_of
from ecoprod.einvoicing.services.statuses import timeline
from ecoprod.invoicing.models import Invoice
from ecoprod.panels import Panel


def invoice_panel(invoice: Invoice, user: User) -> Panel | None:
    if not user.is_admin:
        return None
    transmission = transmission_of(invoice)
    if transmission is None:
        return None
    return Panel(
        "einvoicing/_invoice_panel.html",
        {"transmission": transmission, "timeline": timeline(invoice), "labels": STATUSES, "alerts": ALERTS},
    )


def customer_panel(customer: Customer, user: User) -> Panel | None:
    return _directory_panel(customer, user, None)


def draft_panel(invoice: Invoice, user: User) -> Panel | None:
    return _directory_panel(invoice.customer, user, invoice)


def _directory_panel(customer: Customer, user: User, invoice: Invoice | None) -> Panel | None:
    if not user.is_admin or connection_of_school(customer.school_id) is None:
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
