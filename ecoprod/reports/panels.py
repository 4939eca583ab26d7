"""What the reports show on the order page: its margin and the material it cost, for the
school's staff only (a customer never sees what the school earns or what its students took)."""

from __future__ import annotations

from wtforms import SelectChoice

from ecoprod.accounts.models import User
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.orders.models import FIRM, Order
from ecoprod.panels import Panel
from ecoprod.reports import access, services
from ecoprod.reports.forms import MaterialCostForm
from ecoprod.workshops.services import workshop_options


def cost_form(bound: bool = False) -> MaterialCostForm:
    """The form, read from the request when ``bound`` (its POST), else blank for the page."""
    if bound:
        form = MaterialCostForm(prefix="cost")
    else:
        form = MaterialCostForm(prefix="cost", formdata=None, spent_on=local_today())
    form.workshop_id.choices = [SelectChoice("", _l("— the whole order —")), *workshop_options()]
    return form


def order_panel(order: Order, user: User) -> Panel | None:
    if not access.can_see_margins(user) or order.state not in FIRM:
        return None
    return Panel(
        "reports/_order_panel.html",
        {
            "order": order,
            "margin": services.order_margin(order),
            "costs": services.costs_of(order),
            "form": cost_form(),
        },
    )
