"""Showing a refused action the same way on every page: beside the field it is about, in
the form's summary, or as messages at the top of the next page."""

from __future__ import annotations

from typing import Any

from flask import flash

from ecoprod.errors import ActionRefused


def flash_refusal(exc: ActionRefused) -> None:
    for reason in exc.reasons:
        flash(reason, "error")


def show_on_form(form: Any, exc: ActionRefused, default: str | None = None) -> None:
    """Beside ``exc.field`` (or ``default``) when the form has it, else in the form's summary."""
    name = exc.field if exc.field and exc.field in form else default
    if name and name in form:
        field = form[name]
        field.errors = [*field.errors, *exc.reasons]
    else:
        form.form_errors.extend(exc.reasons)


def flash_form_errors(form: Any) -> None:
    """For the small forms of a busy page that redirect back to it: each error, its field named."""
    for name, errors in form.errors.items():
        flash(f"{form[name].label.text}: {' '.join(map(str, errors))}", "error")
