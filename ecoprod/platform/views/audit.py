"""The audit trail: an administrator's (their school) and the operator's (the school-level
events of every school), filtered, newest first in keyset pages, exportable as CSV."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from ecoprod import audit
from ecoprod.accounts.models import User
from ecoprod.accounts.permissions import admin_required, operator_required
from ecoprod.audit import AuditEvent
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.platform import trail
from ecoprod.platform.forms import AuditFilterForm
from ecoprod.platform.views.blueprint import bp
from ecoprod.web.keyset import desc, keyset

CSV_LIMIT = 100_000  # a year of a busy school; narrow the period for more


def _filters() -> tuple[AuditFilterForm, trail.Filters]:
    form = AuditFilterForm(request.args)
    form.action.choices = [
        SelectChoice("", _("Every action")),
        *(SelectChoice(k, str(v)) for k, v in trail.ACTIONS.items()),
    ]
    people = [SelectChoice(0, _("Everyone"))]
    if current_user.is_admin:
        people += [
            SelectChoice(uid, name)
            for uid, name in db.session.execute(sa.select(User.id, User.full_name).order_by(User.full_name))
        ]
    form.person.choices = people
    if not request.args or not form.validate():
        return form, trail.Filters()
    return form, trail.Filters(
        form.action.data or None, form.person.data or None, form.start.data, form.end.data
    )


def _events(filters: trail.Filters) -> sa.Select[tuple[AuditEvent]]:
    return filters.apply(trail.visible_events(current_user))


def _page(csv_endpoint: str) -> str:
    form, filters = _filters()
    page = keyset(_events(filters), desc(AuditEvent.at), desc(AuditEvent.id), count=False)
    operator = current_user.is_operator
    return render_template(
        "platform/audit.html",
        form=form,
        page=page,
        names=trail.names_of(page.items),
        schools=trail.school_names(page.items) if operator else None,
        label=trail.label,
        concerning=trail.concerning,
        csv_url=csv_endpoint,
    )


def _csv() -> Response:
    _form, filters = _filters()
    events = db.session.scalars(
        _events(filters).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(CSV_LIMIT)
    ).all()
    operator = current_user.is_operator
    body = "\ufeff" + "".join(
        trail.csv_lines(events, trail.names_of(events), trail.school_names(events) if operator else None)
    )
    audit.record_view("export.audit", None, reference=f"{len(events)} lines", school_level=True)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=journal-audit-{local_today()}.csv"},
    )


@bp.get("/admin/audit")
@admin_required
def school_audit() -> str:
    return _page("platform.school_audit_csv")


@bp.get("/admin/audit.csv")
@admin_required
def school_audit_csv() -> Response:
    return _csv()


@bp.get("/platform/audit")
@operator_required
def network_audit() -> str:
    return _page("platform.network_audit_csv")


@bp.get("/platform/audit.csv")
@operator_required
def network_audit_csv() -> Response:
    return _csv()
