"""The network's pages: the operator's list of schools; the audit trail (each school's
administrators read their school's, the operator the school-level events of every school)."""

from ecoprod.platform.views import audit, privacy, schools  # noqa: F401 - the routes register on bp
from ecoprod.platform.views.blueprint import bp

__all__ = ["bp"]
