"""The invoicing blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invoicing", __name__)
