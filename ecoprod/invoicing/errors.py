"""The one error an invoicing action raises: a message for the user, and where it belongs."""

from __future__ import annotations

from ecoprod.errors import ActionRefused


class InvoicingError(ActionRefused):
    """A refused invoicing action. ``lines`` maps a line's position (1, 2, …, in the order
    the lines were given) to the message to show beside its quantity."""

    def __init__(self, message: str, lines: dict[int, str] | None = None) -> None:
        super().__init__(message, lines=lines)
