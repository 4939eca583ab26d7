"""What e-invoicing shows on the invoice's page: where the document stands with the platform
(administrators only: a customer follows it on their own platform)."""

from __future__ import annotations

from ecoprod.accounts.models import User
from ecoprod.einvoicing.cdar import ALERTS, STATUSES
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
