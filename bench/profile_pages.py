"""Python calls, SQL statements and wall time per request of the master's busiest pages.

    PYTHONPATH=. .venv/bin/python bench/profile_pages.py [--orders 1500] [--requests 20] [--reuse] [--html DIR]
    PYTHONPATH=. .venv/bin/python bench/profile_pages.py --database-url URL [--top 25 [--sort cumulative]] [--only PATH]

Builds a throw-away SQLite database in ``bench/out/profile/`` (``flask seed large``, ``flask
seed planning``, the auto-planner's proposal applied to the machining workshop so that its
board has chips), signs its master in with Flask's test client, warms up, then prints per
request of each page: Python function calls (cProfile), SQL statements and wall time (the
median, without the profiler). ``--reuse`` keeps the last database; ``--html DIR`` saves
some twenty pages (CSRF tokens blanked) to compare two versions of the code on the same data,
whitespace aside (the board writes runs of cells on one line).

``--database-url`` profiles instead a database made by ``flask seed network`` (say one school
of 1,000 orders on PostgreSQL; it writes only the sign-ins: last login, audit): ``/healthz`` and the
lists of the load test as its admin, master and customer, each page's CPU time also as a
multiple of ``/healthz``'s. ``--top N`` prints each page's N costliest functions (cProfile,
own time, or ``--sort cumulative``); ``--only`` keeps the pages whose path contains the text.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from ecoprod import create_app
from ecoprod.customers.models import Customer
from ecoprod.demo.data.reference import DEMO_PASSWORD
from ecoprod.extensions import db
from ecoprod.orders.models import Order
from ecoprod.planning import services
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Trade, Workshop

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "bench" / "out" / "profile"
CSRF = re.compile(r'(name="[\w-]*csrf[_-]token"[^>]*?(?:value|content)=")[^"]+')


def build(orders: int) -> None:
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    planning = ("seed", "planning", "--operations", "300")  # and 40 students
    for args in (("db", "upgrade"), ("seed", "large", "--orders", str(orders)), planning):
        subprocess.run([sys.executable, "-m", "flask", "--app", "ecoprod", *args], check=True, cwd=ROOT)


def plan_machining(app: Flask) -> None:
    with app.app_context():
        workshop = db.session.scalars(sa.select(Workshop).where(Workshop.trade == Trade.MACHINING)).one()
        with scoped_to(db.session, workshop.school_id):
            proposal, _ = services.propose(workshop)
            services.apply_proposal(workshop, proposal, workshop.masters[0])
            db.session.commit()


def sign_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    response = client.post("/login", data=form)
    assert response.status_code == 302, f"could not sign in as {email}"
    return client


def measure(
    client: FlaskClient, path: str, count: int, statements: list[int], top: int = 0, sort: str = "tottime"
) -> tuple[float, ...]:
    """Python calls, SQL statements, wall and CPU milliseconds (medians) per request of ``path``."""
    for _ in range(3):  # warm-up: caches, compiled statements, templates
        assert client.get(path).status_code == 200, path
    profile = cProfile.Profile()
    before = statements[0]
    for _ in range(count):
        profile.enable()
        client.get(path)
        profile.disable()
    sql = (statements[0] - before) / count
    calls = pstats.Stats(profile).total_calls / count
    if top:
        pstats.Stats(profile).sort_stats(sort).print_stats(top)
    wall, cpu = [], []  # CPU time: what a shared machine's other work leaves out
    for _ in range(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(path)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return calls, sql, 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def save_html(app: Flask, folder: Path, boards: list[str]) -> None:
    """The pages of a master, an admin and a customer, to compare two versions of the code."""
    with app.app_context():
        orders = db.session.scalars(sa.select(Order.id).where(Order.submitted_at.is_not(None)).limit(2))
        customer = db.session.scalars(sa.select(Customer.id).order_by(Customer.id)).first()
        common = ["/", "/inbox", "/inbox?q=Demande", "/requests", "/requests?tab=open", "/planning"]
        common += [f"/requests/{i}" for i in orders]
    admin = ["/quotes", "/invoices", "/invoices/to-invoice", "/dashboard", "/deliveries", "/admin/students/"]
    pages = {
        "usinage": [*common, *boards, "/admin/calendar"],
        "admin": [*common, *admin, "/admin/customers/", f"/admin/customers/{customer}"],
        "client0001": ["/", "/requests", "/quotes", "/invoices"],
    }
    folder.mkdir(parents=True, exist_ok=True)
    for login, paths in pages.items():
        client = sign_in(app, f"{login}@bench.example.com")
        for path in paths:
            html = client.get(path, follow_redirects=True).get_data(as_text=True)
            name = login + re.sub(r"\W+", "_", path)
            (folder / f"{name}.html").write_text(CSRF.sub(r"\1-", html))


NETWORK_PAGES = {  # login (before @reseau-01.example.com) → the load test's lists
    "admin": [
        "/invoices/to-invoice",
        "/invoices",
        "/invoices/overdue",
        "/requests",
        "/quotes",
        "/deliveries",
    ],
    "usinage": ["/quotes", "/inbox", "/requests"],
    "client0001": ["/invoices", "/quotes", "/requests"],
}


def profile_network(app: Flask, args: argparse.Namespace, statements: list[int]) -> None:
    """The lists of the load test on a ``flask seed network`` database, beside ``/healthz``."""
    rows = [("anonymous", "/healthz", app.test_client())]
    for login, paths in NETWORK_PAGES.items():
        client = sign_in(app, f"{login}@reseau-01.example.com")
        rows += [(login, path, client) for path in paths if args.only is None or args.only in path]
    print(
        f"{'who':<12}{'page':<24}{'calls/req':>11}{'SQL/req':>9}{'ms/req':>9}{'CPU ms':>9}{'× healthz':>11}"
    )
    baseline = None
    for login, path, client in rows:
        calls, sql, ms, cpu = measure(client, path, args.requests, statements, args.top, args.sort)
        baseline = baseline or cpu
        print(f"{login:<12}{path:<24}{calls:>11,.0f}{sql:>9.1f}{ms:>9.1f}{cpu:>9.1f}{cpu / baseline:>11.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the last run's database")
    parser.add_argument("--html", type=Path, help="save the HTML of ~20 pages in this folder")
    parser.add_argument("--database-url", help="a `flask seed network` database to profile as it is")
    parser.add_argument("--top", type=int, default=0, help="print each page's N costliest functions")
    parser.add_argument("--sort", default="tottime", help="--top's order: tottime, cumulative…")
    parser.add_argument("--only", help="with --database-url: the pages whose path contains this")
    args = parser.parse_args()
    database = args.database_url or f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
    os.environ.update(DATABASE_URL=database, ECOPROD_ENV="development", SECRET_KEY=secrets.token_hex(16))
    os.environ["ECOPROD_UPLOAD_FOLDER"] = str(WORKDIR / "up")
    if not args.reuse and not args.database_url:
        build(args.orders)
        plan_machining(create_app())
    app = create_app()
    statements = [0]  # SQL statements sent so far

    def count(*_: object) -> None:
        statements[0] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    if args.database_url:
        profile_network(app, args, statements)
        return
    master = sign_in(app, "usinage@bench.example.com")
    planning = master.get("/planning").get_data(as_text=True)
    board = re.search(r'href="(/planning/workshops/\d+)"', planning).group(1)
    week = re.search(r'href="[^"]*week=([\d-]+)">[^<]*→', master.get(board).get_data(as_text=True)).group(1)
    if args.html:
        save_html(app, args.html, [board, f"{board}?week={week}"])
    print(f"{'page':<44}{'calls/req':>11}{'SQL/req':>9}{'ms/req':>9}{'CPU ms':>9}")
    for path in ("/inbox", board, f"{board}?week={week}"):  # the board as linked, and next week's
        calls, sql, ms, cpu = measure(master, path, args.requests, statements)
        print(f"{path:<44}{calls:>11,.0f}{sql:>9.1f}{ms:>9.1f}{cpu:>9.1f}")


if __name__ == "__main__":
    main()
