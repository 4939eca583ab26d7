"""Issuing invoices, the cost of Factur-X, and a year of the accountant's journal.

    .venv/bin/python bench/invoicing.py [--invoices 500] [--renders 20] [--lines 50000]

On a throw-away SQLite database in ``bench/out/invoicing/`` (a school from ``flask seed
large``, its customers given an e-mail address), in one run:

* **issue**: that many orders delivered in full, each with its accepted quote (three lines,
  two VAT rates) and its delivery note, bulk-loaded; a draft of each by
  ``invoicing.services.draft_invoice`` (not timed); then the real ``services.issue`` on
  every draft, each in a session and transaction of its own as in a request of the draft
  editor: the gap-free number, the frozen amounts, the Factur-X PDF in the file store with
  its SHA-256, the customer's e-mail in the outbox (queued, not sent), the order moved to
  invoiced. Printed: invoices per second.
* **Factur-X**: the last of these invoices rendered ``--renders`` times each, in turn, as
  the plain WeasyPrint PDF of the same HTML (``documents.invoice_pdf``: the baseline), as
  its PDF/A-3b variant, and through ``documents.render_invoice`` (PDF/A-3b, the CII XML
  built, checked against the XSD and embedded by ``factur-x``). Printed: the ratio of the
  medians, Factur-X to plain. Target: ≤ 1.3×.
* **journal**: issued invoices and credit notes of last year, bulk-loaded until its
  journal has ``--lines`` lines (inserted as drafts with their lines, then numbered: the
  triggers of migration 0007 refuse any line added to a numbered invoice). Then ``flask
  invoices journal --format csv``, and ``fec``, each run as a process (progress bar
  included). The baseline of the same run: one plain SELECT of every invoice line of that
  year with its invoice's columns, in this process. Also shown: the same command on a
  year without documents, which is the process start-up and app creation alone.
  Target: ≤ 5 s for the year of 50,000 lines.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from ecoprod import create_app
from ecoprod.accounts.models import User
from ecoprod.customers.models import Customer, PaymentTerms
from ecoprod.deferred import take_committed
from ecoprod.delivery.models import DeliveryLine, DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import documents, services
from ecoprod.invoicing.models import Category, Invoice, InvoiceKind, InvoiceLine, InvoiceState
from ecoprod.money import ZERO, Totals, compute_totals, line_amounts
from ecoprod.notifications.models import OutboxEmail
from ecoprod.numbering import SequenceCounter, format_number
from ecoprod.orders.models import Order, OrderEvent, OrderLine, OrderState, Unit
from ecoprod.pricing.models import LineKind
from ecoprod.quotes.models import Quote, QuoteLine, QuoteState
from ecoprod.schools.models import School
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Trade, Workshop

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import OUT, flask

SLUG = "bench"
FACTURX_TARGET = 1.3  # × the plain render
JOURNAL_TARGET = 5.0  # seconds for a year of 50,000 lines

# An invoice: (kind, unit, quantity, unit price, VAT rate). Two rates: five journal lines.
Line = tuple[LineKind, Unit, Decimal, Decimal, Decimal]
LINES: list[tuple[LineKind, Unit, str, str, str, str]] = [
    (LineKind.LABOUR, Unit.HOUR, "6", "48.00", "20", "Tournage et rectification des axes"),
    (LineKind.MATERIAL, Unit.KILOGRAM, "12", "6.80", "20", "Acier C45, barres étirées"),
    (LineKind.OTHER, Unit.FLAT, "1", "35.00", "5.5", "Dossier technique et certificat matière"),
]
DESCRIPTIONS = {kind: text for kind, *_, text in LINES}


def lines_of(k: int) -> list[Line]:
    """The k-th document's lines (quantities vary a little from one to the next)."""
    return [
        (kind, unit, Decimal(qty) + k % 5, Decimal(price), Decimal(rate))
        for kind, unit, qty, price, rate, _ in LINES
    ]


def totals_of(lines: Sequence[Line], discount: Decimal = ZERO) -> Totals:
    return compute_totals(((line_amounts(q, p, ZERO).net, r) for _, _, q, p, r in lines), discount)


def environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(16),
        "ECOPROD_ENV": "development",
        "ECOPROD_UPLOAD_FOLDER": str(workdir / "uploads"),
    }


def insert_returning_ids(model: type, rows: list[dict]) -> list[int]:
    table = model.__table__
    statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def last_value(school_id: int, series: str, year: int) -> int:
    return (
        db.session.scalar(
            sa.select(SequenceCounter.last_value).where(
                SequenceCounter.school_id == school_id,
                SequenceCounter.series == series,
                SequenceCounter.year == year,
            )
        )
        or 0
    )


def set_counter(school_id: int, series: str, year: int, value: int) -> None:
    """Leave the school's numbering where the bulk-loaded documents stopped."""
    counter = db.session.scalars(
        sa.select(SequenceCounter).where(
            SequenceCounter.school_id == school_id,
            SequenceCounter.series == series,
            SequenceCounter.year == year,
        )
    ).one_or_none()
    if counter is None:
        db.session.add(SequenceCounter(school_id=school_id, series=series, year=year, last_value=value))
    else:
        counter.last_value = max(counter.last_value, value)


# --- Seeding ---------------------------------------------------------------------------------


def delivered_orders(school: School, admin: User, count: int) -> list[int]:
    """``count`` orders delivered in full, each with its accepted quote and its delivery note."""
    today = local_today()
    year = today.year
    now = datetime.now(UTC)
    customer_ids = list(
        db.session.scalars(
            sa.select(Customer.id).where(Customer.school_id == school.id).order_by(Customer.id)
        )
    )
    workshop = db.session.scalars(
        sa.select(Workshop).where(Workshop.school_id == school.id, Workshop.trade == Trade.MACHINING)
    ).first()
    first = {
        prefix: last_value(school.id, prefix, year) + 1
        for prefix in (school.request_prefix, school.quote_prefix, school.delivery_prefix)
    }
    orders = [
        {
            "school_id": school.id,
            "customer_id": customer_ids[k % len(customer_ids)],
            "created_by_id": admin.id,
            "number": format_number(school.request_prefix, year, first[school.request_prefix] + k),
            "title": f"Axes de convoyeur — lot {k + 1:04d}",
            "customer_reference": f"BC-{year}-{k + 1:04d}" if k % 2 == 0 else None,
            "desired_date": today + timedelta(days=10),
            "delivery_country": "FR",
            "state": OrderState.DELIVERED,
            "submitted_at": now - timedelta(days=39),
            "created_at": now - timedelta(days=40),
            "updated_at": now - timedelta(days=2),
        }
        for k in range(count)
    ]
    order_ids = insert_returning_ids(Order, orders)
    ordered = Decimal("10")
    description = "Axe Ø20 mm, longueur 250 mm, avec gorge pour circlip"
    order_line_ids = insert_returning_ids(
        OrderLine,
        [
            {
                "school_id": school.id,
                "order_id": order_id,
                "position": 1,
                "description": description,
                "material": "Acier C45",
                "quantity": ordered,
                "unit": Unit.PIECE,
                "trade": Trade.MACHINING,
            }
            for order_id in order_ids
        ],
    )
    steps = [
        (None, OrderState.DRAFT, 40),
        (OrderState.DRAFT, OrderState.SUBMITTED, 39),
        (OrderState.SUBMITTED, OrderState.ACCEPTED, 30),
        (OrderState.ACCEPTED, OrderState.READY, 5),
        (OrderState.READY, OrderState.DELIVERED, 2),
    ]
    db.session.execute(
        sa.insert(OrderEvent.__table__),
        [
            {
                "school_id": school.id,
                "order_id": order_id,
                "from_state": before,
                "to_state": after,
                "actor_id": admin.id,
                "at": now - timedelta(days=days),
            }
            for order_id in order_ids
            for before, after, days in steps
        ],
    )
    quote_lines = [lines_of(k) for k in range(count)]
    quote_ids = insert_returning_ids(
        Quote,
        [
            {
                "school_id": school.id,
                "order_id": order_id,
                "customer_id": order["customer_id"],
                "created_by_id": admin.id,
                "base_number": format_number(school.quote_prefix, year, first[school.quote_prefix] + k),
                "version": 1,
                "state": QuoteState.ACCEPTED,
                "language": "fr",
                "issue_date": today - timedelta(days=32),
                "valid_until": today - timedelta(days=2),
                "discount_percent": ZERO,
                "total_net": totals.net,
                "total_vat": totals.vat,
                "total_gross": totals.gross,
                "sent_at": now - timedelta(days=32),
                "sent_by_id": admin.id,
                "answered_at": now - timedelta(days=30),
                "answered_by_id": admin.id,
                "accepted_name": "Service achats",
                "created_at": now - timedelta(days=33),
                "updated_at": now - timedelta(days=30),
            }
            for k, (order_id, order, totals) in enumerate(
                zip(order_ids, orders, (totals_of(lines) for lines in quote_lines), strict=True)
            )
        ],
    )
    db.session.execute(
        sa.insert(QuoteLine.__table__),
        [
            {
                "school_id": school.id,
                "quote_id": quote_id,
                "position": position,
                "kind": kind,
                "description": DESCRIPTIONS[kind],
                "workshop_id": workshop.id if kind is LineKind.LABOUR else None,
                "unit": unit,
                "quantity": quantity,
                "unit_price": price,
                "discount_percent": ZERO,
                "vat_rate": rate,
            }
            for quote_id, lines in zip(quote_ids, quote_lines, strict=True)
            for position, (kind, unit, quantity, price, rate) in enumerate(lines, start=1)
        ],
    )
    note_ids = insert_returning_ids(
        DeliveryNote,
        [
            {
                "school_id": school.id,
                "order_id": order_id,
                "customer_id": order["customer_id"],
                "number": format_number(school.delivery_prefix, year, first[school.delivery_prefix] + k),
                "issue_date": today - timedelta(days=2),
                "delivery_country": "FR",
                "created_by_id": admin.id,
                "created_at": now - timedelta(days=2),
                "updated_at": now - timedelta(days=2),
            }
            for k, (order_id, order) in enumerate(zip(order_ids, orders, strict=True))
        ],
    )
    db.session.execute(
        sa.insert(DeliveryLine.__table__),
        [
            {
                "school_id": school.id,
                "delivery_note_id": note_id,
                "order_line_id": line_id,
                "position": 1,
                "description": description,
                "unit": Unit.PIECE,
                "ordered": ordered,
                "quantity": ordered,
                "remaining": ZERO,
            }
            for note_id, line_id in zip(note_ids, order_line_ids, strict=True)
        ],
    )
    for prefix, value in first.items():
        set_counter(school.id, prefix, year, value + count - 1)
    db.session.commit()
    return order_ids


def issued_year(school: School, admin: User, year: int, target_lines: int) -> tuple[int, int]:
    """Issued invoices and credit notes dated ``year`` until their journal has ``target_lines``
    lines: (documents, journal lines)."""
    customers = db.session.execute(
        sa.select(
            Customer.id,
            Customer.name,
            Customer.siren,
            Customer.billing_line1,
            Customer.billing_postal_code,
            Customer.billing_city,
        )
        .where(Customer.school_id == school.id)
        .order_by(Customer.id)
    ).all()
    # One document in twenty is a credit note of the invoice before it, for one unit of its
    # first line (one VAT rate: three journal lines); an invoice makes five.
    plan: list[tuple[InvoiceKind, list[Line]]] = []
    journal_lines = 0
    while journal_lines < target_lines:
        k = len(plan)
        if k % 20 == 19:
            kind, unit, _, price, rate = plan[-1][1][0]
            plan.append((InvoiceKind.CREDIT_NOTE, [(kind, unit, Decimal(1), price, rate)]))
        else:
            plan.append((InvoiceKind.INVOICE, lines_of(k)))
        journal_lines += 1 + 2 * len({line[4] for line in plan[-1][1]})

    first_day, days = date(year, 1, 1), (date(year, 12, 31) - date(year, 1, 1)).days + 1
    issued_at = datetime(year, 12, 31, 17, tzinfo=UTC)
    numbers = {InvoiceKind.INVOICE: 0, InvoiceKind.CREDIT_NOTE: 0}
    prefixes = {
        InvoiceKind.INVOICE: school.invoice_prefix,
        InvoiceKind.CREDIT_NOTE: school.credit_note_prefix,
    }
    credited_id = None
    chunk = 1000
    for start in range(0, len(plan), chunk):
        part = list(enumerate(plan[start : start + chunk], start=start))
        rows = []
        for k, (kind, lines) in part:
            customer = customers[k % len(customers)]
            day = first_day + timedelta(days=k * days // len(plan))
            credit_note = kind is InvoiceKind.CREDIT_NOTE
            discount = Decimal("5") if k % 7 == 3 and not credit_note else ZERO
            totals = totals_of(lines, discount)
            rows.append(
                {
                    "school_id": school.id,
                    "kind": kind,
                    "state": InvoiceState.ISSUED,
                    "customer_id": customer.id,
                    "issue_date": day,
                    "due_date": day if credit_note else services.due_date(day, PaymentTerms.NET_30),
                    "delivery_date": day - timedelta(days=1),
                    "language": "fr",
                    "category": Category.GOODS if credit_note else Category.MIXED,
                    "discount_percent": discount,
                    "buyer_name": customer.name,
                    "buyer_siren": customer.siren,
                    "billing_line1": customer.billing_line1,
                    "billing_postal_code": customer.billing_postal_code,
                    "billing_city": customer.billing_city,
                    "billing_country": "FR",
                    "delivery_country": "FR",
                    "payment_terms": PaymentTerms.NET_30,
                    "total_net": totals.net,
                    "total_vat": totals.vat,
                    "total_gross": totals.gross,
                    "prepaid": ZERO,
                    "amount_due": ZERO if credit_note else totals.gross,
                    "settled": ZERO,
                    "issued_at": issued_at,
                    "issued_by_id": admin.id,
                    "created_by_id": admin.id,
                    "created_at": issued_at,
                    "updated_at": issued_at,
                }
            )
        # Drafts with their lines first: the database refuses a line added to a numbered invoice.
        ids = insert_returning_ids(Invoice, rows)
        db.session.execute(
            sa.insert(InvoiceLine.__table__),
            [
                {
                    "school_id": school.id,
                    "invoice_id": invoice_id,
                    "position": position,
                    "kind": line_kind,
                    "description": DESCRIPTIONS[line_kind],
                    "unit": unit,
                    "quantity": quantity,
                    "unit_price": price,
                    "discount_percent": ZERO,
                    "vat_rate": rate,
                }
                for invoice_id, (_, (_, lines)) in zip(ids, part, strict=True)
                for position, (line_kind, unit, quantity, price, rate) in enumerate(lines, start=1)
            ],
        )
        # Then numbered, each credit note tied to its invoice: issued, frozen from now on.
        numbered = []
        for invoice_id, (_, (kind, _)) in zip(ids, part, strict=True):
            numbers[kind] += 1
            credit_note = kind is InvoiceKind.CREDIT_NOTE
            numbered.append(
                {
                    "b_id": invoice_id,
                    "number": format_number(prefixes[kind], year, numbers[kind]),
                    "credited": credited_id if credit_note else None,
                }
            )
            if not credit_note:
                credited_id = invoice_id
        table = Invoice.__table__
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values(number=sa.bindparam("number"), credited_invoice_id=sa.bindparam("credited")),
            numbered,
        )
    for kind, value in numbers.items():
        set_counter(school.id, prefixes[kind], year, value)
    db.session.commit()
    return len(plan), journal_lines


# --- Measures --------------------------------------------------------------------------------


def plain_select(school_id: int, year: int) -> int:
    """The baseline of the export: every line of the year's documents with its invoice's
    columns (those the journal reads), in one SELECT."""
    rows = db.session.execute(
        sa.select(
            Invoice.id,
            Invoice.kind,
            Invoice.number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.customer_id,
            Invoice.buyer_name,
            Invoice.discount_percent,
            Invoice.total_gross,
            InvoiceLine.quantity,
            InvoiceLine.unit_price,
            InvoiceLine.discount_percent,
            InvoiceLine.vat_rate,
        )
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(
            Invoice.school_id == school_id,
            Invoice.number.is_not(None),
            Invoice.issue_date >= date(year, 1, 1),
            Invoice.issue_date <= date(year, 12, 31),
        )
        .order_by(Invoice.id)
    ).all()
    return len(rows)


def timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


@contextlib.contextmanager
def request_session(school_id: int) -> Iterator[None]:
    """What a request has: a fresh session in the school's tenant scope, removed at the end.

    One session kept across many commits would get slower and slower: each refresh of an
    object after a commit adds one more ``with_loader_criteria`` of ``tenancy`` to its
    load options, and every later load from it walks them all (see the report).
    """
    try:
        with scoped_to(db.session, school_id):
            yield
    finally:
        db.session.remove()


def issue_all(draft_ids: list[int], admin_id: int, school_id: int) -> float:
    """``services.issue`` on each draft, one transaction (and session) each; the seconds it took."""
    began = time.perf_counter()
    for n, draft_id in enumerate(draft_ids, start=1):
        with request_session(school_id):
            services.issue(db.session.get(Invoice, draft_id), db.session.get(User, admin_id))
            db.session.commit()
            take_committed(db.session)  # the e-mails stay queued in the outbox: sending is not issuing
        if n % 100 == 0:
            elapsed = time.perf_counter() - began
            print(f"  {n} issued, {n / elapsed:.2f}/s", flush=True)
    return time.perf_counter() - began


def renders(invoice: Invoice, school: School, runs: int) -> dict[str, float]:
    """Median seconds of the plain PDF, its PDF/A-3b variant and the whole Factur-X PDF,
    rendered in turn so that a busy neighbour slows all three alike."""
    kinds: dict[str, Callable[[], bytes]] = {
        "plain": lambda: documents.invoice_pdf(invoice, school),
        "pdfa": lambda: documents.invoice_pdf(invoice, school, pdf_variant="pdf/a-3b"),
        "facturx": lambda: documents.render_invoice(invoice, school),
    }
    for render in kinds.values():
        render()  # warm
    times: dict[str, list[float]] = {name: [] for name in kinds}
    for _ in range(runs):
        for name, render in kinds.items():
            times[name].append(timed(render))
    return {name: statistics.median(values) for name, values in times.items()}


def measure_in_process(env: dict[str, str], args: argparse.Namespace, journal_year: int) -> dict[str, float]:
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "ECOPROD_ENV", "ECOPROD_UPLOAD_FOLDER")}
    )
    app = create_app()
    r: dict[str, float] = {}
    with app.app_context():
        school_id = db.session.scalar(sa.select(School.id).where(School.slug == SLUG))
        with request_session(school_id):
            school = db.session.get(School, school_id)
            admin = db.session.scalars(sa.select(User).where(User.email == f"admin@{SLUG}.example.com")).one()
            admin_id = admin.id
            db.session.execute(  # the seeded customers have no address to mail the invoice to
                sa.update(Customer)
                .where(Customer.email.is_(None))
                .values(email="compta" + sa.cast(Customer.id, sa.String) + "@clients.example.com")
            )
            began = time.perf_counter()
            order_ids = delivered_orders(school, admin, args.invoices)
            r["orders_seeded"] = time.perf_counter() - began

        began = time.perf_counter()
        draft_ids = []
        for order_id in order_ids:
            with request_session(school_id):
                order, admin = db.session.get(Order, order_id), db.session.get(User, admin_id)
                draft_ids.append(services.draft_invoice([order], admin).id)
                db.session.commit()
        r["drafted"] = time.perf_counter() - began

        print(f"issuing {len(draft_ids)} invoices…", flush=True)
        r["issue"] = issue_all(draft_ids, admin_id, school_id)

        with request_session(school_id):
            r["issued"] = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Invoice)
                .where(
                    Invoice.id.in_(draft_ids), Invoice.number.is_not(None), Invoice.pdf_sha256.is_not(None)
                )
            )
            r["mails"] = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxEmail)
                .where(OutboxEmail.template == "invoice_issued")
            )
            r["invoiced_orders"] = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Order)
                .where(Order.id.in_(order_ids), Order.state == OrderState.INVOICED)
            )
            last = db.session.get(Invoice, draft_ids[-1])
            r["pdf_bytes"] = last.pdf_size
            print(f"rendering invoice {last.number} {args.renders} times each way…", flush=True)
            r.update(renders(last, db.session.get(School, school_id), args.renders))

        print(f"loading the journal of {journal_year} ({args.lines:,} lines at least)…", flush=True)
        with request_session(school_id):
            school, admin = db.session.get(School, school_id), db.session.get(User, admin_id)
            began = time.perf_counter()
            r["documents"], r["journal_lines"] = issued_year(school, admin, journal_year, args.lines)
            r["journal_seeded"] = time.perf_counter() - began
        with request_session(school_id):
            r["select_rows"] = plain_select(school_id, journal_year)  # also warms the page cache
            r["select"] = statistics.median(
                timed(lambda: plain_select(school_id, journal_year)) for _ in range(3)
            )
    return r


def export(env: dict[str, str], kind: str, year: int, output: Path) -> tuple[float, int]:
    """``flask invoices journal`` as a process: (seconds, lines written but the header)."""
    began = time.perf_counter()
    flask(
        env,
        "invoices",
        "journal",
        "--school",
        SLUG,
        "--year",
        str(year),
        "--format",
        kind,
        "--output",
        str(output),
    )
    seconds = time.perf_counter() - began
    with output.open(encoding="utf-8-sig", newline="") as written:
        return seconds, written.read().count("\r\n") - 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=500, help="invoices to issue")
    parser.add_argument("--renders", type=int, default=20, help="renders of each kind for the ratio")
    parser.add_argument("--lines", type=int, default=50000, help="journal lines of the exported year")
    args = parser.parse_args()

    workdir = OUT / "invoicing"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = environment(workdir)
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed", "large", "--orders", "200", "--customers", "200", "--slug", SLUG)
    print(f"school seeded in {time.perf_counter() - started:.1f} s", flush=True)

    journal_year = local_today().year - 1
    r = measure_in_process(env, args, journal_year)
    exports = {
        kind: export(env, kind, journal_year, workdir / f"journal-{journal_year}.{kind}")
        for kind in ("csv", "fec")
    }
    empty, _ = export(env, "csv", journal_year - 10, workdir / "empty.csv")

    print(
        f"\nseeding (not measured): {r['orders_seeded']:.1f} s for {args.invoices} delivered orders, "
        f"{r['drafted']:.1f} s for their drafts, {r['journal_seeded']:.1f} s for "
        f"{r['documents']:,.0f} documents of {journal_year}"
    )

    print(
        f"\nissue: {r['issued']:.0f} invoices in {r['issue']:.1f} s = {r['issued'] / r['issue']:.2f} invoices/s "
        f"({1000 * r['issue'] / r['issued']:.0f} ms each; {r['mails']:.0f} e-mails queued, "
        f"{r['invoiced_orders']:.0f} orders now invoiced; last PDF {r['pdf_bytes'] / 1024:.0f} KiB)"
    )

    ratio = r["facturx"] / r["plain"]
    print(
        f"\nrendering one invoice, median of {args.renders} each: plain PDF {1000 * r['plain']:.0f} ms, "
        f"PDF/A-3b {1000 * r['pdfa']:.0f} ms, Factur-X (render_invoice) {1000 * r['facturx']:.0f} ms"
    )
    print(
        f"Factur-X ratio {ratio:.2f}× the plain render — "
        f"{'meets' if ratio <= FACTURX_TARGET else 'MISSES'} the target ≤ {FACTURX_TARGET}×"
    )

    print(
        f"\njournal of {journal_year}: {r['documents']:,.0f} documents, {r['journal_lines']:,.0f} journal lines; "
        f"baseline: plain SELECT of their {r['select_rows']:,.0f} invoice lines {r['select']:.3f} s (median of 3)"
    )
    print(f"{'format':<8}{'lines':>9}{'seconds':>9}{'lines/s':>10}{'× SELECT':>10}{'× SELECT net':>14}")
    for kind, (seconds, lines) in exports.items():
        print(
            f"{kind:<8}{lines:>9,}{seconds:>9.2f}{lines / seconds:>10,.0f}{seconds / r['select']:>9.1f}×"
            f"{(seconds - empty) / r['select']:>13.1f}×"
        )
        if lines != r["journal_lines"]:
            print(f"  ! {lines:,} lines written, {r['journal_lines']:,.0f} expected")
    print(f"(net: less {empty:.2f} s, the same command on a year without documents: start-up and app)")
    worst = max(seconds for seconds, _ in exports.values())
    print(
        f"slowest export {worst:.2f} s for {r['journal_lines']:,.0f} lines — "
        f"{'meets' if worst <= JOURNAL_TARGET else 'MISSES'} the target ≤ {JOURNAL_TARGET:.0f} s"
    )


if __name__ == "__main__":
    main()
