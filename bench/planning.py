"""The auto-planner at 500, 1,000 and 2,000 operations, and the planning board under load.

    .venv/bin/python bench/planning.py [--sizes 500 1000 2000] [--seconds 8]

For each size, a throw-away SQLite database in ``bench/out/planning/`` gets a large school
(``flask seed large``: six workshops) and ``flask seed planning``: firm orders split into
that many operations (a quarter on a regulated machine), 40 students (minors among them,
two in three with a complete file), the school calendar, nothing planned. Then, in process:

* **auto-plan**: ``planning.services.propose`` for every workshop over the next 12 weeks,
  database reads included (the median of three runs);
* **plain pass** (the baseline of the same run): the same rows read the same way, and one
  look at every (operation, half-day) pair — what any planner must at least do;
* **apply**: the proposal written through ``planning.services.assign``, which checks every
  rule again and raises on the first broken one: applying is the proof that no hard rule is
  broken.

Last, on the 2,000-operation database, gunicorn (2 sync workers) serves the busiest
workshop's board for the busiest week to 8 concurrent clients, against ``/healthz``.
Targets: auto-plan ≤ 2 s at 2,000 operations, near-linear growth, board ≥ 10 % of /healthz.
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import OUT, Client, flask, measure_pages, report, serve


def environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(16),
        "ECOPROD_ENV": "development",
        "ECOPROD_UPLOAD_FOLDER": str(workdir / "uploads"),
    }


def build(size: int) -> tuple[Path, dict[str, str]]:
    workdir = OUT / "planning" / str(size)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = environment(workdir)
    flask(env, "db", "upgrade")
    flask(env, "seed", "large", "--orders", str(max(3000, size * 2)), "--customers", "50")
    flask(env, "seed", "planning", "--operations", str(size), "--students", "40")
    return workdir, env


def measure(env: dict[str, str]) -> dict[str, float]:
    """Auto-plan, plain pass and apply, in this process, on the database of ``env``."""
    import sqlalchemy as sa

    from ecoprod import create_app
    from ecoprod.accounts.models import User
    from ecoprod.extensions import db
    from ecoprod.i18n import local_today
    from ecoprod.orders.models import Order
    from ecoprod.planning import services
    from ecoprod.planning.models import Operation
    from ecoprod.slots import half_days, in_pattern
    from ecoprod.students.models import Student
    from ecoprod.tenancy import scoped_to
    from ecoprod.workshops.models import Workshop

    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "ECOPROD_ENV", "ECOPROD_UPLOAD_FOLDER")}
    )
    app = create_app()
    with app.app_context():
        workshops = db.session.scalars(sa.select(Workshop).order_by(Workshop.id)).all()
        school_id = workshops[0].school_id

        def auto_plan() -> list:
            db.session.expire_all()
            return [services.propose(w)[0] for w in workshops]

        def plain_pass() -> int:
            db.session.expire_all()
            start = local_today()
            end = start + timedelta(weeks=services.HORIZON_WEEKS) - timedelta(days=1)
            slots = list(half_days(start, end))
            touched = 0
            for w in workshops:
                operations = db.session.scalars(
                    sa.select(Operation)
                    .join(Order, Order.id == Operation.order_id)
                    .where(Operation.workshop_id == w.id)
                    .options(sa.orm.selectinload(Operation.assignments), sa.orm.joinedload(Operation.order))
                ).all()
                students = db.session.scalars(sa.select(Student).where(Student.workshop_id == w.id)).all()
                services.student_facts(students, start, end)
                time_ = services.calendar_facts(school_id, start, end)
                for _op in operations:
                    for slot in slots:
                        touched += slot.day not in time_.closed and in_pattern(w.open_pattern, slot)
            return touched

        with scoped_to(db.session, school_id):
            timings = {"auto": [], "plain": []}
            for _ in range(3):
                began = time.perf_counter()
                proposals = auto_plan()
                timings["auto"].append(time.perf_counter() - began)
                began = time.perf_counter()
                plain_pass()
                timings["plain"].append(time.perf_counter() - began)
            placed = sum(len({a[0] for a in p.assignments}) for p in proposals)
            unplaced = sum(len(p.unplaced) for p in proposals)
            half_days_planned = sum(len(p.assignments) for p in proposals)
            began = time.perf_counter()
            for workshop, proposal in zip(workshops, proposals, strict=True):
                master = db.session.get(User, workshop.masters[0].id)
                services.apply_proposal(workshop, proposal, master)  # raises on any broken rule
            db.session.commit()
            applied = time.perf_counter() - began
    return {
        "auto": statistics.median(timings["auto"]),
        "plain": statistics.median(timings["plain"]),
        "placed": placed,
        "unplaced": unplaced,
        "half_days": half_days_planned,
        "apply": applied,
    }


def busiest_board(env: dict[str, str]) -> tuple[int, str, str]:
    """(workshop id, week, its master's e-mail) of the most assignments in one week."""
    import sqlalchemy as sa

    from ecoprod import create_app
    from ecoprod.extensions import db
    from ecoprod.planning.models import Assignment, Operation
    from ecoprod.slots import week_start
    from ecoprod.workshops.models import Workshop

    app = create_app()
    with app.app_context():
        counts: dict[tuple[int, object], int] = {}
        rows = db.session.execute(
            sa.select(Operation.workshop_id, Assignment.day).join(
                Operation, Operation.id == Assignment.operation_id
            )
        )
        for workshop_id, day in rows:
            key = (workshop_id, week_start(day))
            counts[key] = counts.get(key, 0) + 1
        (workshop_id, monday), _ = max(counts.items(), key=lambda item: item[1])
        workshop = db.session.get(Workshop, workshop_id)
        return workshop_id, monday.isoformat(), workshop.masters[0].email


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--board-only",
        action="store_true",
        help="reuse the last run's largest database; measure the board only",
    )
    args = parser.parse_args()
    if args.board_only:
        board(environment(OUT / "planning" / str(max(args.sizes))), args)
        return

    results = {}
    env = {}
    for size in args.sizes:
        started = time.perf_counter()
        _, env = build(size)
        print(f"{size} operations seeded in {time.perf_counter() - started:.1f} s", flush=True)
        results[size] = measure(env)

    print("\nauto-plan of every workshop, 40 students, 12 weeks (median of 3; database reads included)")
    print(
        f"{'operations':>10}{'auto-plan s':>13}{'plain pass s':>14}{'ratio':>8}{'placed':>8}{'not placed':>12}{'half-days':>11}{'apply s':>9}"
    )
    for size, r in results.items():
        print(
            f"{size:>10}{r['auto']:>13.3f}{r['plain']:>14.3f}{r['auto'] / r['plain']:>7.2f}×"
            f"{r['placed']:>8}{r['unplaced']:>12}{r['half_days']:>11}{r['apply']:>9.2f}"
        )
    sizes = list(results)
    for small, big in itertools.pairwise(sizes):
        growth = results[big]["auto"] / results[small]["auto"]
        print(f"growth {small} → {big} operations (×{big / small:.0f}): time ×{growth:.2f}")
    largest = results[sizes[-1]]
    print(f"largest: {largest['auto']:.3f} s (target ≤ 2 s); every applied assignment passed the rules again")
    board(env, args)


def board(env: dict[str, str], args: argparse.Namespace) -> None:
    """Throughput of the busiest board against /healthz, gunicorn with 2 sync workers."""
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "ECOPROD_ENV", "ECOPROD_UPLOAD_FOLDER")}
    )
    workshop_id, week, email = busiest_board(env)
    with serve(env) as port:
        master = Client(port)
        master.sign_in(email)
        board = f"/planning/workshops/{workshop_id}?week={week}"
        cases = [
            ("trivial /healthz", {}, "/healthz"),
            ("master: planning board", master.cookies, board),
            ("master: inbox (reference)", master.cookies, "/inbox"),
        ]
        measured = measure_pages(port, cases, args.seconds, args.concurrency)
    print(f"\nboard of the busiest workshop week: {board}")
    report(measured, args.seconds, args.concurrency)


if __name__ == "__main__":
    main()
