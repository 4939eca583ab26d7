"""Who may reach a view: role decorators, read at a glance above each view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, request
from flask_login import current_user

from ecoprod.accounts.models import Role
from ecoprod.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed-in users with one of ``roles``; others get the login page or 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


admin_required = roles_required(Role.ADMIN)
staff_required = roles_required(Role.ADMIN, Role.MASTER)
customer_required = roles_required(Role.CUSTOMER)
operator_required = roles_required(Role.OPERATOR)
school_member_required = roles_required(Role.ADMIN, Role.MASTER, Role.CUSTOMER)
admin_or_customer = roles_required(Role.ADMIN, Role.CUSTOMER)
student_required = roles_required(Role.STUDENT)  # the workshop tablet


# A student's sign-in (the workshop tablet) reaches its own tasks and nothing else: not the
# account page (its name is what staff read), not any other page a role check might miss.
STUDENT_ENDPOINTS = frozenset(
    {
        "planning.my_tasks",
        "planning.log_own_time",
        "accounts.logout",
        "web.home",
        "web.set_language",
        "web.healthz",
        "static",
        # Calendar feeds answer to their secret key, whoever's browser asks.
        "planning.workshop_feed",
        "planning.student_feed",
    }
)


def _students_reach_only_their_tasks() -> None:
    if (
        current_user.is_authenticated
        and current_user.role is Role.STUDENT
        and request.endpoint is not None
        and request.endpoint not in STUDENT_ENDPOINTS
    ):
        abort(403)


def init_app(app: Flask) -> None:
    app.before_request(_students_reach_only_their_tasks)
