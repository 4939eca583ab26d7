"""The reports' figures: ``activity`` (orders, revenue, customers, deliveries), ``people``
(hours, competences, regulated machines), ``margins``, ``costs`` (the material an order cost),
``report`` (each report put together)."""

from ecoprod.reports.services.costs import (
    CostError,
    MaterialCostInput,
    costs_of,
    record,
    remove,
)
from ecoprod.reports.services.margins import Margin, Margins, order_margin
from ecoprod.reports.services.people import Coverage
from ecoprod.reports.services.report import NetworkReport, SchoolReport, network_report, school_report

__all__ = [
    "CostError",
    "Coverage",
    "Margin",
    "Margins",
    "MaterialCostInput",
    "NetworkReport",
    "SchoolReport",
    "costs_of",
    "network_report",
    "order_margin",
    "record",
    "remove",
    "school_report",
]
