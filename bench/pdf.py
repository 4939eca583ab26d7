"""Quote PDFs: WeasyPrint with the real template, beside wkhtmltopdf on the same HTML.

    .venv/bin/python bench/pdf.py [--runs 5]

Renders quotes of 15, 60 and 250 lines (about 1, 3 and 10 pages) with the template the app
sends, each the median of several warm runs, and the same HTML with ``wkhtmltopdf`` run as a
process per document (what Odoo does for every report). wkhtmltopdf is *not* a dependency
of EcoProd: install it for this comparison only (``apt-get install wkhtmltopdf``); without
it the peer column is skipped. Also measures serving a stored PDF (the app never renders on
a user's request: sending queues the rendering after the response).

Targets: 1 page ≤ 0.5× and 3 pages ≤ 1× the peer's time; time per page roughly flat;
serving a stored PDF ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask import render_template
from flask_babel import force_locale
from pypdf import PdfReader

from ecoprod import create_app
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.customers.models import Customer
from ecoprod.database import Address
from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders import services as orders
from ecoprod.orders.models import Unit
from ecoprod.pdf import STATIC_BASE
from ecoprod.pricing.models import LineKind
from ecoprod.quotes import documents as quote_documents
from ecoprod.quotes import services as quotes
from ecoprod.schools.models import School
from ecoprod.schools.services import add_default_vat_rates
from ecoprod.workshops.models import Trade, Workshop

ROOT = Path(__file__).resolve().parent.parent
SIZES = (15, 60, 250)


def build_school() -> tuple[School, User, User]:
    school = School(
        slug="bench-pdf",
        name="École de Production Lumière",
        legal_form="Association loi 1901",
        address=Address("12 rue des Tanneurs", None, "69007", "Lyon", "FR"),
        siret="04217311200014",
        vat_number="FR17042173112",
        rna="W691012345",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    db.session.add(school)
    db.session.flush()
    add_default_vat_rates(school)
    workshop = Workshop(school_id=school.id, name="Usinage", trade=Trade.MACHINING, hourly_rate=Decimal("48"))
    customer = Customer(
        school_id=school.id,
        name="Mécarhône SAS",
        siren="421731118",
        siret="42173111800012",
        vat_number="FR56421731118",
        billing_address=Address("10 avenue de l'Industrie", None, "69100", "Villeurbanne", "FR"),
    )
    db.session.add_all([workshop, customer])
    db.session.flush()
    master = User(
        school_id=school.id,
        email="m@bench.example.com",
        full_name="Marc Dubois",
        role=Role.MASTER,
        status=UserStatus.ACTIVE,
    )
    master.workshops = [workshop]
    buyer = User(
        school_id=school.id,
        email="b@bench.example.com",
        full_name="Julie Martin",
        role=Role.CUSTOMER,
        status=UserStatus.ACTIVE,
        customer_id=customer.id,
    )
    db.session.add_all([master, buyer])
    db.session.commit()
    return school, master, buyer


def make_quote(master: User, buyer: User, lines: int):
    order = orders.create_draft(
        buyer,
        orders.RequestInput(
            title=f"Pièces usinées — lot de {lines} références",
            customer_reference="BC-2026-118",
            lines=[orders.LineInput(description="Voir plans", quantity=Decimal(1), trade=Trade.MACHINING)],
        ),
    )
    orders.submit(order, buyer)
    quote = quotes.start_quote(order, master)
    kinds = [
        (LineKind.LABOUR, Unit.HOUR, Decimal("48.00")),
        (LineKind.MATERIAL, Unit.KILOGRAM, Decimal("6.80")),
        (LineKind.OTHER, Unit.FLAT, Decimal("35.00")),
    ]
    quotes.save_draft(
        quote,
        master,
        quotes.QuoteInput(
            lines=[
                quotes.PricedLineInput(
                    kind,
                    f"Repère {i + 1:03d} — bride usinée selon plan",
                    unit,
                    Decimal(1 + i % 7),
                    price,
                    Decimal("20.00") if i % 5 else Decimal("10.00"),
                    Decimal(i % 3 * 5),
                )
                for i, (kind, unit, price) in ((i, kinds[i % 3]) for i in range(lines))
            ],
            valid_until=local_today() + timedelta(days=30),
            promised_date=local_today() + timedelta(days=60),
            lead_time="4 semaines après acceptation",
            conditions="Matière garantie pendant la validité du devis.",
        ),
    )
    quotes.send(quote, master)
    db.session.commit()
    return quote


def median_time(fn, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="a folder where to keep the rendered PDFs")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ecoprod-bench-pdf-"))
    app = create_app(
        {
            "ECOPROD_ENV": "bench",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'db.sqlite3'}",
            "UPLOAD_FOLDER": str(workdir / "uploads"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    peer = shutil.which("wkhtmltopdf")
    if not peer:
        print(
            "wkhtmltopdf not found: the peer column is skipped (apt-get install wkhtmltopdf; it is not a dependency)."
        )
    rows = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _, master, buyer = build_school()
        with app.test_request_context():
            for size in SIZES:
                quote = make_quote(master, buyer, size)
                ours = median_time(lambda q=quote: quote_documents.render_quote(q), args.runs)
                data = quote_documents.render_quote(quote)
                pages = len(PdfReader(io.BytesIO(data)).pages)
                if args.keep:
                    (Path(args.keep) / f"quote-{size}.pdf").write_bytes(data)
                peer_time = None
                if peer:
                    with force_locale("fr"):
                        html = render_template(
                            "pdf/quote.html", **quote_documents.pdf_context(quote), static_base=STATIC_BASE
                        )
                    html = html.replace(STATIC_BASE, (ROOT / "static").as_uri() + "/")
                    source, target = workdir / f"q{size}.html", workdir / f"q{size}.pdf"
                    source.write_text(html, encoding="utf-8")
                    command = [
                        peer,
                        "--quiet",
                        "--enable-local-file-access",
                        "-s",
                        "A4",
                        str(source),
                        str(target),
                    ]
                    peer_time = median_time(
                        lambda c=command: subprocess.run(c, check=True, capture_output=True), args.runs
                    )
                rows.append((size, pages, ours, peer_time))
            # Serving what was stored at sending (after the response): the stored bytes, unchanged.
            run_committed()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = buyer.get_id()
            quote_id = quote.id
            serve = median_time(lambda: client.get(f"/quotes/{quote_id}/pdf").close(), max(args.runs, 20))

    print(f"\nWeasyPrint (real template) vs wkhtmltopdf process, median of {args.runs} warm runs")
    print(
        f"{'lines':>6}{'pages':>7}{'WeasyPrint s':>14}{'ms/page':>9}{'ms/line':>9}{'peer s':>9}{'ratio':>8}"
    )
    for size, pages, ours, peer_time in rows:
        ratio = f"{ours / peer_time:.2f}×" if peer_time else "—"
        peer_text = f"{peer_time:.3f}" if peer_time else "—"
        print(
            f"{size:>6}{pages:>7}{ours:>14.3f}{1000 * ours / pages:>9.0f}{1000 * ours / size:>9.1f}{peer_text:>9}{ratio:>8}"
        )
    print(f"\nserving a stored PDF: {serve * 1000:.1f} ms (median, target ≤ 20 ms)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
