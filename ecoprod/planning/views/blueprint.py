"""The planning blueprint, and what its pages share."""

from __future__ import annotations

from flask import Blueprint, flash

from ecoprod.forms import BaseForm
from ecoprod.slots import slot_label

bp = Blueprint("planning", __name__)
bp.add_app_template_global(slot_label)


def flash_form_errors(form: BaseForm) -> None:
    """For the small forms of a busy page that redirect back to it: each error, its field named."""
    for field, errors in form.errors.items():
        flash(f"{form[field].label.text}: {' '.join(map(str, errors))}", "error")


def flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(warning, "warning")
