"""How the people who acted on a record are named, depending on who reads.

A customer never meets a student (PRODUCT.md): a step a student took — time logged on the
workshop tablet that moved the order into production, say — is shown to a customer as done
by the school. Staff and the customer's own colleagues are named. Every actor, author,
uploader or signer a page shows goes through ``shown_name`` (templates: ``actor_name``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_login import current_user

from ecoprod.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from ecoprod.accounts.models import User


def shown_name(actor: User | None, viewer: User | None) -> str | None:
    """``actor``'s name as ``viewer`` may read it, or None when nobody acted."""
    if actor is None:
        return None
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return actor.full_name
    if actor.is_staff:
        return actor.full_name
    if (
        actor.is_customer
        and viewer is not None
        and viewer.is_authenticated
        and viewer.is_customer
        and actor.customer_id == viewer.customer_id
    ):
        return actor.full_name
    return actor.school.name if actor.school is not None else str(_l("The school"))


def actor_name(actor: User | None) -> str | None:
    """``shown_name`` for the signed-in reader of the page being rendered."""
    return shown_name(actor, current_user if current_user else None)
