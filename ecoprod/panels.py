"""Panels: what a domain shows on another domain's page, without that page importing it.

A panel function takes the page's record and the reader and returns a ``Panel`` (a template
of its own domain and its context) or None when it has nothing to show. The composition
root (``ecoprod/__init__.py``) lists each page's panels in the order the page shows them;
the page renders ``panels_for("order", order, user)``. So the order page knows nothing of
quotes, planning, deliveries or invoices, and the layers hold (``lint-imports``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, render_template
from markupsafe import Markup

EXTENSION = "ecoprod.panels"


@dataclass(frozen=True)
class Panel:
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)

    def render(self) -> Markup:
        return Markup(render_template(self.template, **self.context))  # noqa: S704 - our own template, autoescaped


PanelFunction = Callable[..., Panel | None]


def init_app(app: Flask, **pages: Sequence[PanelFunction]) -> None:
    app.extensions[EXTENSION] = {page: tuple(functions) for page, functions in pages.items()}


def panels_for(page: str, *args: Any) -> list[Panel]:
    """The panels of ``page`` with something to show, in their order."""
    found = (function(*args) for function in current_app.extensions[EXTENSION].get(page, ()))
    return [panel for panel in found if panel is not None]
