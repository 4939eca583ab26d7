"""Every table, imported in one place so relationships resolve and migrations see them."""

from ecoprod.accounts.models import AuthToken, SignupRequest, User, workshop_masters
from ecoprod.customers.models import Contact, Customer
from ecoprod.notifications.models import OutboxEmail
from ecoprod.numbering import SequenceCounter
from ecoprod.orders.models import Attachment, Order, OrderEvent, OrderLine
from ecoprod.quotes.models import Quote, QuoteLine
from ecoprod.schools.models import School, VatRate
from ecoprod.students.models import Student
from ecoprod.workshops.models import Machine, Workshop

__all__ = [
    "Attachment",
    "AuthToken",
    "Contact",
    "Customer",
    "Machine",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OutboxEmail",
    "Quote",
    "QuoteLine",
    "School",
    "SequenceCounter",
    "SignupRequest",
    "Student",
    "User",
    "VatRate",
    "Workshop",
    "workshop_masters",
]
