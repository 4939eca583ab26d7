"""Test data made through the real services, one module per domain (imported from here)."""

from tests.factories.delivery import deliver
from tests.factories.invoicing import drafts
from tests.factories.planning import Planning, firm_order, next_monday, plan_world, ready_order
from tests.factories.quotes import accepted_order
from tests.factories.reference import PASSWORD, PDF_BYTES, PNG_BYTES, Factory, World, pdf_file
from tests.factories.reports import ReportWorld, report_world

__all__ = [
    "PASSWORD",
    "PDF_BYTES",
    "PNG_BYTES",
    "Factory",
    "Planning",
    "ReportWorld",
    "World",
    "accepted_order",
    "deliver",
    "drafts",
    "firm_order",
    "next_monday",
    "pdf_file",
    "plan_world",
    "ready_order",
    "report_world",
]
