"""``flask platform …``: set up the platform operator."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecoprod.accounts import services
from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.extensions import db
from ecoprod.identifiers import normalise_email

platform_cli = AppGroup("platform", help="Platform administration.")


@platform_cli.command("create-operator")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.password_option()
def create_operator(email: str, full_name: str, password: str) -> None:
    """Create a platform operator, who can create schools."""
    if services.find_user_by_email(email):
        raise click.ClickException("an account already exists with this e-mail address")
    user = User(
        email=normalise_email(email),
        full_name=full_name,
        role=Role.OPERATOR,
        status=UserStatus.ACTIVE,
    )
    try:
        services.set_password(user, password)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.add(user)
    db.session.commit()
    click.echo(f"operator {user.email} created")
