"""E-invoicing's actions: the platform connection (``connection``), the annuaire's answers
about buyers (``directory``), documents sent to it (``sending``), statuses (``statuses``)."""

from ecoprod.einvoicing.services.connection import (
    ConnectionInput,
    EinvoicingError,
    check_address,
    client_for,
    connection_of,
    endpoints_of,
    save_connection,
    test_connection,
)
from ecoprod.einvoicing.services.directory import address_of, check_now, choose_line, needs_address
from ecoprod.einvoicing.services.sending import (
    Payload,
    acknowledge,
    checking_ids,
    claim,
    payload,
    processing_rule,
    queue,
    refresh,
    send_claimed,
    transmission_of,
    waiting_ids,
)

__all__ = [
    "ConnectionInput",
    "EinvoicingError",
    "Payload",
    "acknowledge",
    "address_of",
    "check_address",
    "check_now",
    "checking_ids",
    "choose_line",
    "claim",
    "client_for",
    "connection_of",
    "endpoints_of",
    "needs_address",
    "payload",
    "processing_rule",
    "queue",
    "refresh",
    "save_connection",
    "send_claimed",
    "test_connection",
    "transmission_of",
    "waiting_ids",
]
