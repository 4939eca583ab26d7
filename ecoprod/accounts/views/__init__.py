"""Account pages on one blueprint (``blueprint.bp``): ``sign_in`` (sign-in, sign-out, reset
and invitation links), ``signup``, ``profile``, ``users`` (administrators)."""

from ecoprod.accounts.views import profile, sign_in, signup, users  # noqa: F401 - their routes
from ecoprod.accounts.views.blueprint import bp

__all__ = ["bp"]
