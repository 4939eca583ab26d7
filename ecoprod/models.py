"""Every table, imported in one place so relationships resolve and migrations see them."""

from ecoprod.accounts.models import AuthToken, SignupRequest, User
from ecoprod.audit import AuditEvent
from ecoprod.conversations.models import MessageFile, MessageRead, OrderMessage
from ecoprod.customers.models import Contact, Customer
from ecoprod.delivery.models import DeliveryLine, DeliveryNote
from ecoprod.documents import StoredDocument
from ecoprod.einvoicing.models import LifecycleStatus, PlatformConnection, Transmission
from ecoprod.imports.models import ImportBatch
from ecoprod.invoicing.models import Invoice, InvoiceLine, Payment, invoice_orders
from ecoprod.minors.models import DerogationDeclaration, MedicalOpinion, SafetyTraining, declaration_machines
from ecoprod.notifications.models import OutboxEmail
from ecoprod.numbering import SequenceCounter
from ecoprod.orders.models import Attachment, Order, OrderEvent, OrderLine
from ecoprod.planning.models import (
    Absence,
    Assignment,
    CalendarEvent,
    CalendarFeed,
    Competence,
    CompetenceSignoff,
    Operation,
    OperationPhoto,
    RoutingStep,
    RoutingTemplate,
    TimeLog,
    operation_competences,
)
from ecoprod.previews.models import Preview, PreviewPage
from ecoprod.quotes.models import Quote, QuoteLine
from ecoprod.reports.models import MaterialCost
from ecoprod.schools.models import School, VatRate
from ecoprod.students.models import Student
from ecoprod.workshops.models import Machine, Workshop, workshop_masters

__all__ = [
    "Absence",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "AuthToken",
    "CalendarEvent",
    "CalendarFeed",
    "Competence",
    "CompetenceSignoff",
    "Contact",
    "Customer",
    "DeliveryLine",
    "DeliveryNote",
    "DerogationDeclaration",
    "ImportBatch",
    "Invoice",
    "InvoiceLine",
    "LifecycleStatus",
    "Machine",
    "MaterialCost",
    "MedicalOpinion",
    "MessageFile",
    "MessageRead",
    "Operation",
    "OperationPhoto",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderMessage",
    "OutboxEmail",
    "Payment",
    "PlatformConnection",
    "Preview",
    "PreviewPage",
    "Quote",
    "QuoteLine",
    "RoutingStep",
    "RoutingTemplate",
    "SafetyTraining",
    "School",
    "SequenceCounter",
    "SignupRequest",
    "StoredDocument",
    "Student",
    "TimeLog",
    "Transmission",
    "User",
    "VatRate",
    "Workshop",
    "declaration_machines",
    "invoice_orders",
    "operation_competences",
    "workshop_masters",
]
