"""PDF rendering with WeasyPrint, sandboxed.

The renderer reads nothing but the application's own static files and ``data:`` URLs:
no ``file://`` path, no network. Documents are Jinja templates (autoescaped, so any text a
user typed is text, never markup) with a small print stylesheet of their own.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ecoprod import observability

# Stylesheets and images of documents are written against this made-up origin, which the
# fetcher below maps onto the app's static folder; it never reaches a network.
STATIC_BASE = "https://ecoprod.invalid/static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves ``STATIC_BASE`` from the static folder and ``data:`` URLs; refuses the rest."""

    def __init__(self, static_folder: str | Path) -> None:
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False, timeout=1)
        self.root = Path(static_folder).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_BASE):
            relative = url[len(STATIC_BASE) :].split("?", 1)[0].split("#", 1)[0]
            path = (self.root / relative).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"resource refused in a document: {url[:200]}")


class DocumentHTML(HTML):
    """HTML with the short user-agent sheet of ``static/pdf/ua.css``.

    WeasyPrint reads its defaults from ``_ua_stylesheets``; replacing its full HTML5 sheet
    saves about a quarter of the rendering time of a quote. Should a later WeasyPrint stop
    calling this method, documents still render the same, only slower.
    """

    _ua_sheet: CSS | None = None

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        if DocumentHTML._ua_sheet is None:
            path = Path(current_app.static_folder or "static") / "pdf" / "ua.css"
            DocumentHTML._ua_sheet = CSS(string=path.read_text(encoding="utf-8"))
        return [DocumentHTML._ua_sheet]


def data_url(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def render_pdf(template: str, pdf_variant: str | None = None, **context: Any) -> bytes:
    """Render ``templates/<template>`` to PDF bytes (``pdf_variant="pdf/a-3b"`` for Factur-X)."""
    with observability.PDF_SECONDS.labels(template).time():
        html = render_template(template, static_base=STATIC_BASE, **context)
        fetcher = StaticOnlyFetcher(current_app.static_folder or "static")
        document = DocumentHTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
        if pdf_variant:
            return document.write_pdf(pdf_variant=pdf_variant)
        return document.write_pdf()
