"""Two app instances (two gunicorn servers, as on two machines) serve the same documents:
issued PDFs from the database, drawings from the volume they share."""

from __future__ import annotations

import hashlib
import shutil

import sqlalchemy as sa

from ecoprod import documents
from ecoprod.extensions import db
from ecoprod.quotes.models import Quote
from tests.factories.quotes import accepted_order
from tests.servers import Browser, Server


def test_two_instances_serve_the_same_documents(app, factory, world, tmp_path):
    order = accepted_order(factory, world, "Axes", [("labour", "Usinage", "2", "45", "20")])
    quote = db.session.scalars(sa.select(Quote).where(Quote.order_id == order.id)).one()
    drawing = world.draft.attachments[0]
    pdf, copy, plan = (
        f"/quotes/{quote.id}/pdf",
        f"/quotes/{quote.id}/accepted.pdf",
        f"/requests/{world.draft.id}/drawings/{drawing.id}",
    )
    first = Server(app, tmp_path / "first.log")
    second = Server(app, tmp_path / "second.log")
    first.start()
    second.start()
    try:
        browser = Browser(first)
        browser.sign_in(world.customer_user.email)
        served = {}
        for server in (first, second):
            browser.server = server
            served[server.port] = [browser.get_bytes(path) for path in (pdf, copy, plan)]
        assert served[first.port] == served[second.port]
        quote_pdf, accepted_copy, _plan = served[first.port]
        assert hashlib.sha256(quote_pdf).hexdigest() == quote.pdf_sha256
        assert accepted_copy == documents.read(quote.school_id, quote.accepted_copy_sha256)

        # The issued documents do not live on any machine's disk: without the volume,
        # both instances still serve them.
        shutil.rmtree(app.config["UPLOAD_FOLDER"])
        for server in (first, second):
            browser.server = server
            assert browser.get_bytes(pdf) == quote_pdf and browser.get_bytes(copy) == accepted_copy
    finally:
        first.stop()
        second.stop()
