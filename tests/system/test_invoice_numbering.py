"""Invoice numbers under concurrency: gap-free and unique on both backends; a failure after
the number is drawn gives it back with the rest of the invoice."""

from __future__ import annotations

import os
import queue
import threading
import time

import pytest
import sqlalchemy as sa

from ecoprod import documents
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import services
from ecoprod.invoicing.models import Invoice
from ecoprod.tenancy import scoped_to
from tests.factories import drafts

WORKERS = 20
COUNT = int(os.environ.get("ECOPROD_INVOICE_RACE", "1000"))


def test_concurrent_workers_issue_gap_free_unique_numbers(app, world):
    ids = drafts(world, COUNT)
    todo: queue.Queue[int] = queue.Queue()
    for invoice_id in ids:
        todo.put(invoice_id)
    errors: list[str] = []
    admin_id, school_id = world.admin.id, world.school.id
    start = threading.Barrier(WORKERS)

    def worker() -> None:
        with app.app_context():
            from ecoprod.accounts.models import User

            start.wait(timeout=60)
            while True:
                try:
                    invoice_id = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    with scoped_to(db.session, school_id):
                        services.issue(db.session.get(Invoice, invoice_id), db.session.get(User, admin_id))
                        db.session.commit()
                except Exception as exc:  # every failure is reported below
                    db.session.rollback()
                    errors.append(f"{invoice_id}: {exc!r}")
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    elapsed = time.perf_counter() - began
    assert errors == [], errors[:5]  # no "database is locked", nothing else
    numbers = db.session.scalars(sa.select(Invoice.number).where(Invoice.id.in_(ids))).all()
    year = local_today().year
    assert sorted(numbers) == [f"FA-{year}-{n:04d}" for n in range(1, COUNT + 1)]
    print(f"{COUNT} invoices by {WORKERS} workers in {elapsed:.1f} s")


def test_a_failure_after_the_number_is_drawn_gives_it_back(app, world, monkeypatch):
    first, second = drafts(world, 2)

    def refuse(*args, **kwargs):
        raise OSError("the document store refuses the PDF")  # after the number is drawn

    with monkeypatch.context() as patch:
        patch.setattr(documents, "keep", refuse)
        with scoped_to(db.session, world.school.id), pytest.raises(OSError):
            services.issue(db.session.get(Invoice, first), world.admin)
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Invoice, first).number is None
    with scoped_to(db.session, world.school.id):
        issued = services.issue(db.session.get(Invoice, second), world.admin)
        db.session.commit()
    assert issued.number == f"FA-{local_today().year}-0001"  # the number drawn by the failure came back
