"""Every route of the application in one table, gathered from the per-domain lists."""

from __future__ import annotations

from tests.system.access import (
    test_accounts,
    test_conversations,
    test_delivery,
    test_einvoicing,
    test_imports,
    test_invoicing,
    test_orders,
    test_planning,
    test_previews,
    test_quotes,
    test_reference,
    test_reports,
    test_search,
)
from tests.system.access.scene import Case

MATRIX: dict[str, Case] = {
    **test_accounts.ROUTES,
    **test_reference.ROUTES,
    **test_orders.ROUTES,
    **test_conversations.ROUTES,
    **test_quotes.ROUTES,
    **test_planning.ROUTES,
    **test_previews.ROUTES,
    **test_delivery.ROUTES,
    **test_invoicing.ROUTES,
    **test_einvoicing.ROUTES,
    **test_search.ROUTES,
    **test_imports.ROUTES,
    **test_reports.ROUTES,
}
