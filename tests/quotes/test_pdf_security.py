"""The PDF renderer reads nothing but the app's static files: no local file, no network."""

import http.server
import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ecoprod import documents
from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders.models import Unit
from ecoprod.pdf import STATIC_BASE, StaticOnlyFetcher
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import services
from ecoprod.quotes.models import PdfStatus


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    CountingHandler.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_hostile_text_is_printed_as_text_and_fetches_nothing(world, app, local_server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = (
        f'<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/hostname">'
        f'<img src="{local_server}/tracker.png"><link rel="stylesheet" href="{local_server}/x.css">'
        f'<img src="file://{secret}"><style>@import url("{local_server}/import.css");</style>'
    )
    order = world.submitted
    order.title = '<img src="file:///etc/passwd">'  # a title is 200 characters at most
    order.customer_reference = f'<a href="{local_server}/ref">ref</a>'
    world.company.name = f"Zéphyr <img src='{local_server}/customer.png'>"
    db.session.commit()
    quote = services.start_quote(order, world.master)
    services.save_draft(
        quote,
        world.master,
        services.QuoteInput(
            lines=[
                services.PricedLineInput(
                    LineKind.OTHER, hostile, Unit.FLAT, Decimal(1), Decimal(10), Decimal("20.00")
                )
            ],
            valid_until=local_today() + timedelta(days=10),
            conditions=f'<iframe src="{local_server}/frame"></iframe> file:///etc/shadow',
        ),
    )
    services.send(quote, world.master)
    db.session.commit()
    run_committed()
    db.session.refresh(quote)
    assert quote.pdf_status is PdfStatus.READY
    data = documents.read(quote.school_id, quote.pdf_sha256)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert CountingHandler.hits == [], f"the renderer called {CountingHandler.hits}"
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "")  # printed, not interpreted
    assert "root:x:0:0" not in text
    assert "TOP-SECRET-CONTENT" not in text
    assert b"/EmbeddedFile" not in data  # no attachment slipped in
    assert b"root:x:0:0" not in data


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://example.com/logo.png",
        STATIC_BASE + "../ecoprod/config.py",
        STATIC_BASE + "%2e%2e/instance/secret_key",
        "ftp://example.com/x",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(app, url):
    fetcher = StaticOnlyFetcher(app.static_folder)
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_the_fetcher_serves_the_document_stylesheet_and_data_urls(app):
    fetcher = StaticOnlyFetcher(app.static_folder)
    response = fetcher.fetch(STATIC_BASE + "pdf/document.css")
    assert b"@page" in response.read()
    response.close()
    response = fetcher.fetch("data:text/plain;base64,b2s=")
    assert response.read() == b"ok"
    response.close()
