"""Every table, imported in one place so relationships resolve and migrations see them."""

from ecoprod.accounts.models import AuthToken, SignupRequest, User, workshop_masters
from ecoprod.customers.models import Contact, Customer
from ecoprod.notifications.models import OutboxEmail
from ecoprod.numbering import SequenceCounter
from ecoprod.orders.models import Attachment, Order, OrderEvent, OrderLine
from ecoprod.schools.models import School
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
    "School",
    "SequenceCounter",
    "SignupRequest",
    "Student",
    "User",
    "Workshop",
    "workshop_masters",
]
