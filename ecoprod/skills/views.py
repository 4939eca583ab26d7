"""A student's skills record: the page, the PDF livret and a CSV for the school's files."""

from __future__ import annotations

import io

from flask import Blueprint, Response, g, render_template
from flask_login import current_user

from ecoprod import audit
from ecoprod.accounts.permissions import staff_required
from ecoprod.csvsafe import csv_line
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.pdf import render_pdf
from ecoprod.planning import access
from ecoprod.skills import services

bp = Blueprint("skills", __name__, url_prefix="/skills")


@bp.get("/students/<int:student_id>")
@staff_required
def record(student_id: int) -> str:
    student = access.load_student_or_404(student_id, current_user)
    audit.record_view("student.skills_viewed", student)
    return render_template("skills/record.html", record=services.record(student))


@bp.get("/students/<int:student_id>.pdf")
@staff_required
def record_pdf(student_id: int) -> Response:
    student = access.load_student_or_404(student_id, current_user)
    audit.record_view("student.skills_exported", student, reference="pdf")
    data = render_pdf(
        "pdf/skills_record.html", record=services.record(student), school=g.school, today=local_today()
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=livret-{student.id}.pdf"},
    )


@bp.get("/students/<int:student_id>.csv")
@staff_required
def record_csv(student_id: int) -> Response:
    student = access.load_student_or_404(student_id, current_user)
    audit.record_view("student.skills_exported", student, reference="csv")
    rec = services.record(student)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 with a byte order mark
    out.write(
        csv_line(
            [_("Order"), _("Operation"), _("Workshop"), _("Status"), _("Hours"), _("Competences signed off")]
        )
    )
    for line in rec.lines:
        op = line.operation
        out.write(
            csv_line(
                [
                    op.order.reference,
                    op.name,
                    op.workshop.name,
                    op.status.label,
                    f"{line.hours:.2f}".replace(".", ","),
                    ", ".join(s.competence.code for s in line.competences),
                ]
            )
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=livret-{student.id}.csv"},
    )
