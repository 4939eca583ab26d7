"""Invoicing: drafts from what was delivered, deposits, credit notes, issuance, payments and reminders.

What there is to invoice, and how much each line may take, is ``invoicing.billable``. One
module per job: ``drafts`` (invoices, deposits and credit notes prepared, edited, deleted),
``issuing`` (number, freeze, Factur-X PDF and e-mail in one transaction), ``settlement``
(payments and the states they lead to), ``dunning`` (overdue invoices, penalties,
reminders). This package exports them all, so ``invoicing.services.issue`` reads the same
as before."""

from ecoprod.invoicing.errors import InvoicingError
from ecoprod.invoicing.services.drafts import (
    customers_to_invoice,
    delete_draft,
    draft_credit_note,
    draft_deposit,
    draft_invoice,
    draft_totals,
    save_draft,
)
from ecoprod.invoicing.services.dunning import (
    RECOVERY_INDEMNITY,
    REMINDER_EVERY,
    days_late,
    late_penalty,
    overdue,
    overdue_invoices,
    overdue_summary,
    remind,
    remind_all,
)
from ecoprod.invoicing.services.issuing import category_of, creditable, due_date, issue
from ecoprod.invoicing.services.settlement import record_payment, refresh_settlement

__all__ = [
    "RECOVERY_INDEMNITY",
    "REMINDER_EVERY",
    "InvoicingError",
    "category_of",
    "creditable",
    "customers_to_invoice",
    "days_late",
    "delete_draft",
    "draft_credit_note",
    "draft_deposit",
    "draft_invoice",
    "draft_totals",
    "due_date",
    "issue",
    "late_penalty",
    "overdue",
    "overdue_invoices",
    "overdue_summary",
    "record_payment",
    "refresh_settlement",
    "remind",
    "remind_all",
    "save_draft",
]
