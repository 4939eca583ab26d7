"""The main menu of each role (PRODUCT.md, "Look and feel")."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Flask, request, url_for
from flask_login import current_user

from ecoprod.accounts.models import Role
from ecoprod.i18n import label
from ecoprod.i18n import lazy_gettext as _l


class NavItem(NamedTuple):
    endpoint: str
    label: Any
    # Endpoints (or "blueprint." prefixes) under which this item is the current page.
    covers: tuple[str, ...]


MENUS: dict[Role, tuple[NavItem, ...]] = {
    Role.CUSTOMER: (
        NavItem("orders.index", _l("My requests"), ("orders.index", "orders.detail", "orders.edit")),
        NavItem("orders.new", _l("New request"), ("orders.new",)),
        NavItem("quotes.index", _l("Quotes"), ("quotes.",)),
        NavItem("delivery.index", _l("Deliveries"), ("delivery.",)),
        NavItem("invoicing.index", _l("Invoices"), ("invoicing.",)),
    ),
    Role.MASTER: (
        NavItem("orders.inbox", _l("Inbox"), ("orders.inbox",)),
        NavItem("orders.index", _l("Requests"), ("orders.index", "orders.detail")),
        NavItem("quotes.index", _l("Quotes"), ("quotes.",)),
        NavItem("planning.index", _l("Planning"), ("planning.", "minors.", "skills.")),
    ),
    Role.ADMIN: (
        NavItem("orders.inbox", _l("Inbox"), ("orders.inbox",)),
        NavItem("orders.index", _l("Requests"), ("orders.index", "orders.detail")),
        NavItem("quotes.index", _l("Quotes"), ("quotes.",)),
        NavItem(
            "planning.index",
            _l("Planning"),
            (
                "planning.index",
                "planning.board",
                "planning.autoplan",
                "planning.operation",
                "planning.workshop_gantt",
                "planning.order_gantt",
                "planning.student",
                "minors.",
                "skills.",
            ),
        ),
        NavItem("delivery.index", _l("Deliveries"), ("delivery.",)),
        NavItem(
            "invoicing.index",
            _l("Invoices"),
            (
                "invoicing.index",
                "invoicing.edit",
                "invoicing.detail",
                "invoicing.to_invoice",
                "invoicing.overdue",
                "invoicing.exports_page",
                "invoicing.journal_csv",
                "invoicing.fec",
                "invoicing.payments",
            ),
        ),
        NavItem("invoicing.dashboard", _l("Dashboard"), ("invoicing.dashboard",)),
        NavItem("reports.school", _l("Activity report"), ("reports.school",)),
        NavItem("customers.index", _l("Customers"), ("customers.", "imports.")),
        NavItem("workshops.index", _l("Workshops"), ("workshops.",)),
        NavItem("students.index", _l("Students"), ("students.", "platform.erase_student")),
        NavItem(
            "accounts.users",
            _l("Users"),
            ("accounts.users", "accounts.invite", "accounts.edit_user", "platform.erase_account"),
        ),
        NavItem(
            "schools.settings",
            _l("School"),
            (
                "schools.settings",
                "schools.vat_rates",
                "einvoicing.",
                "planning.calendar",
                "planning.competences",
                "platform.school_audit",
            ),
        ),
    ),
    Role.OPERATOR: (
        NavItem("platform.schools", _l("Schools"), ("platform.schools", "schools.platform")),
        NavItem("reports.network", _l("Network report"), ("reports.network",)),
        NavItem("platform.network_audit", _l("Audit trail"), ("platform.network_audit",)),
    ),
    Role.STUDENT: (NavItem("planning.my_tasks", _l("My tasks"), ("planning.my_tasks",)),),
}


def nav_links() -> list[tuple[str, str, bool]]:
    """The menu's links on every page: each label translated once per language (``label``)."""
    if not current_user.is_authenticated:
        return []
    endpoint = request.endpoint or ""
    return [
        (url_for(item.endpoint), label(item.label), any(endpoint.startswith(c) for c in item.covers))
        for item in MENUS[current_user.role]
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_links"] = nav_links
