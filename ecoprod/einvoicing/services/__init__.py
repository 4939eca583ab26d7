"""E-invoicing's actions: the platform connection (``connection``), documents sent to it
(``sending``)."""

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
    "check_address",
    "checking_ids",
    "claim",
    "client_for",
    "connection_of",
    "endpoints_of",
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
