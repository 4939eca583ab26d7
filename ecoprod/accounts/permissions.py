"""Who may reach a view: role decorators, read at a glance above each view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
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
