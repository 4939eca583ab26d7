"""``flask seed …``: the demo (``demo``, ``logins``) and the benchmark data sets (``large``,
``planning``). Only the command-line wrappers live here; the data and stories are in
``demo/data/`` and the modules beside this one."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecoprod.demo.bench import seed_bench_planning, seed_large_school
from ecoprod.demo.data.reference import DEMO_PASSWORD
from ecoprod.demo.network import seed_network
from ecoprod.demo.story import demo_logins, is_loaded, load_demo

seed_cli = AppGroup("seed", help="Load demo or benchmark data.")


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when schools already exist.")
def seed_demo(if_empty: bool) -> None:
    """Two schools, six workshops, 30 students, 10 companies, requests in every state, planning,
    and in the first school deliveries and invoices."""
    if is_loaded():
        if if_empty:
            click.echo("The database already has data: demo not loaded.")
            return
        raise click.ClickException("the database is not empty")
    load_demo()
    click.echo("Demo data loaded.")


def print_logins() -> None:
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for role, email, who in demo_logins():
        click.echo(f"  {role:<9} {email:<42} {who}")


@seed_cli.command("logins")
def logins() -> None:
    """Print the demo logins."""
    print_logins()


@seed_cli.command("large")
@click.option("--orders", "order_count", default=10000, show_default=True, help="How many orders.")
@click.option("--customers", "customer_count", default=200, show_default=True)
@click.option("--slug", default="bench", show_default=True)
def seed_large(order_count: int, customer_count: int, slug: str) -> None:
    """A large school for benchmarks (orders in every state so far, 1–3 lines each)."""
    with click.progressbar(length=order_count, label="Orders") as bar:
        try:
            message = seed_large_school(order_count, customer_count, slug, progress=bar.update)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(message)


@seed_cli.command("planning")
@click.option("--operations", "operation_count", default=2000, show_default=True)
@click.option("--students", "student_count", default=40, show_default=True)
@click.option("--slug", default="bench", show_default=True)
def seed_planning_load(operation_count: int, student_count: int, slug: str) -> None:
    """Split a large school's requests into operations to plan (after ``seed large``)."""
    seed_bench_planning(slug, operation_count, student_count)
    click.echo(f"School '{slug}': {operation_count} operations to plan, {student_count} students.")


@seed_cli.command("network")
@click.option("--schools", "school_count", default=80, show_default=True, type=click.IntRange(1, 999))
@click.option("--years", default=3, show_default=True, type=click.IntRange(1, 10))
@click.option("--orders-per-school", default=5000, show_default=True, type=click.IntRange(1, 9999))
@click.option("--customers-per-school", default=150, show_default=True, type=click.IntRange(1, 999))
def seed_network_command(
    school_count: int, years: int, orders_per_school: int, customers_per_school: int
) -> None:
    """The network: schools with workshops, masters, students, customers and years of work
    from request to payment (80 × 5,000 orders by default). The seed must be the database's
    only writer while it runs."""
    with click.progressbar(length=school_count, label="Schools", show_eta=True, show_pos=True) as bar:
        try:
            message = seed_network(
                school_count, years, orders_per_school, customers_per_school, progress=bar.update
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(message)
