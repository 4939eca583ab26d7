"""Invoicing pages on one blueprint (``blueprint.bp``): ``invoices`` (lists, drafts, the
editor, issuing), ``documents`` (an issued document, payments, credit notes, reminders,
overdue), ``exports`` (journal, FEC, statements), ``dashboard``."""

from ecoprod.invoicing.views import dashboard, documents, exports, invoices  # noqa: F401 - their routes
from ecoprod.invoicing.views.blueprint import bp

__all__ = ["bp"]
