"""What invoicing shows on other pages: an order's invoices and what can be invoiced now."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.invoicing import access, billable
from ecoprod.invoicing.forms import DepositForm
from ecoprod.invoicing.models import Invoice
from ecoprod.orders.models import FIRM, Order
from ecoprod.panels import Panel


def order_panel(order: Order, user: User) -> Panel | None:
    if order.state not in FIRM:
        return None
    invoices = db.session.scalars(
        access.visible_invoices(user)
        .join(Invoice.orders)
        .where(Order.id == order.id)
        .options(sa.orm.selectinload(Invoice.lines))  # a draft's total is its lines'
        .order_by(Invoice.id)
    ).all()
    admin = user.is_admin
    can_invoice = admin and billable.to_invoice(order) is not None
    can_deposit = (
        admin and order.state in billable.DEPOSIT_STATES and billable.accepted_quote(order) is not None
    )
    if not (invoices or can_invoice or can_deposit):
        return None
    return Panel(
        "invoicing/_order_panel.html",
        {
            "order": order,
            "invoices": invoices,
            "can_invoice": can_invoice,
            "can_deposit": can_deposit,
            "deposit_form": DepositForm(prefix="deposit", percent=g.school.deposit_percent)
            if admin
            else None,
        },
    )
