"""The planning blueprint, and what its pages share."""

from __future__ import annotations

from flask import Blueprint, flash

from ecoprod.slots import slot_label

bp = Blueprint("planning", __name__)
bp.add_app_template_global(slot_label)


def flash_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        flash(warning, "warning")
