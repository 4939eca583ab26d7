"""The platform operator's list of the network's schools, each with its activity."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from ecoprod.accounts.permissions import operator_required
from ecoprod.i18n import local_today
from ecoprod.platform import services
from ecoprod.platform.views.blueprint import bp
from ecoprod.schools.models import School
from ecoprod.web.keyset import asc, keyset


@bp.get("/platform/schools")
@operator_required
def schools() -> str:
    page = keyset(sa.select(School), asc(School.name), asc(School.id))
    activity = services.activity([school.id for school in page.items], local_today())
    return render_template("platform/schools.html", page=page, activity=activity)
