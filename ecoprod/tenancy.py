"""One school never sees another's records — enforced here, once, for every query.

Each request runs with a *tenant scope* (the signed-in user's school, or no school at all
for anonymous visitors and the platform operator). While a scope is set:

* every ORM SELECT, UPDATE and DELETE touching a :class:`TenantMixin` model gets
  ``school_id = <scope>`` added, including relationship and ``session.get`` loads;
* every row flushed with another school's id raises :class:`TenantViolation`, and new
  rows without a school get the scope's.

Code that must cross schools on purpose (signing in, the outbox, the platform operator)
says so with ``.execution_options(all_schools=True)``, which is easy to grep for.
Outside a request (CLI commands, seeding) no scope is set.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

SCOPE_KEY = "tenant_scope"


class TenantViolation(RuntimeError):
    """A write would put a record in a school other than the current one."""


@dataclass(frozen=True)
class TenantScope:
    school_id: int | None


class TenantMixin:
    """A record that belongs to one school."""

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)


def set_scope(session: Session, school_id: int | None) -> None:
    session.info[SCOPE_KEY] = TenantScope(school_id)


def clear_scope(session: Session) -> None:
    session.info.pop(SCOPE_KEY, None)


def current_scope(session: Session) -> TenantScope | None:
    return session.info.get(SCOPE_KEY)


@contextmanager
def scoped_to(session: Session, school_id: int | None) -> Iterator[None]:
    """Run a block as if inside a request of ``school_id`` (used by tests and commands)."""
    previous = current_scope(session)
    set_scope(session, school_id)
    try:
        yield
    finally:
        if previous is None:
            clear_scope(session)
        else:
            session.info[SCOPE_KEY] = previous


@functools.lru_cache(maxsize=4096)
def _school_criteria(school_id: int | None) -> sa.orm.LoaderCriteriaOption:
    """One option object per school, so that a statement can be seen to carry it already."""
    return with_loader_criteria(TenantMixin, lambda cls: cls.school_id == school_id, include_aliases=True)


def _scoped(statement: Any, school_id: int | None) -> Any:
    """``statement`` with the school's criteria, made once per statement and school: a
    statement built once (at import, or cached) then keeps its cache key from one request to
    the next, where a fresh copy would have it computed again at each execution."""
    variants = _SCOPED.get(statement)
    if variants is None:
        variants = _SCOPED[statement] = {}
    scoped = variants.get(school_id)
    if scoped is None:
        scoped = variants[school_id] = statement.options(_school_criteria(school_id))
    return scoped


# Statement → {school id → the statement scoped to it}; an entry goes with its statement.
_SCOPED: weakref.WeakKeyDictionary[Any, dict[int | None, Any]] = weakref.WeakKeyDictionary()


@event.listens_for(Session, "do_orm_execute")
def _filter_by_school(state: ORMExecuteState) -> None:
    scope = current_scope(state.session)
    if scope is None or state.execution_options.get("all_schools", False):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    criteria = _school_criteria(scope.school_id)
    # Objects loaded under the criteria pass it on to their lazy and refresh loads; adding
    # it again there would pile up one more copy at each load of a long-lived object.
    if any(option is criteria for option in getattr(state.statement, "_with_options", ())):
        return
    state.statement = _scoped(state.statement, scope.school_id)


@event.listens_for(Session, "before_flush")
def _check_writes(session: Session, flush_context: object, instances: object) -> None:
    scope = current_scope(session)
    if scope is None:
        return
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantMixin):
            continue
        if obj.school_id is None and obj in session.new and scope.school_id is not None:
            obj.school_id = scope.school_id
        if obj.school_id != scope.school_id:
            raise TenantViolation(
                f"{type(obj).__name__} of school {obj.school_id} written "
                f"in the scope of school {scope.school_id}"
            )
