"""Medical opinions are seen by the administrators and the masters of the student's
workshop only: not on another master's student page, register, register PDF or alerts."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.minors.models import MedicalOpinion
from tests.conftest import login_as


def test_only_admins_and_the_students_own_masters_see_medical_opinions(app, world: Any) -> None:
    student = world.student
    student.birth_date = local_today().replace(year=local_today().year - 16)  # a minor
    soon = local_today() + timedelta(days=10)  # expiring: an alert for those who may see it
    db.session.add(
        MedicalOpinion(
            school_id=world.school.id,
            student_id=student.id,
            given_on=date(2026, 1, 5),
            valid_until=soon,
            fit=True,
        )
    )
    db.session.commit()
    shown = soon.strftime("%d/%m/%Y")

    for reader, sees in ((world.admin, True), (world.master, True), (world.metal_master, False)):
        client = login_as(app.test_client(), reader)
        page = client.get(f"/planning/students/{student.id}").get_data(as_text=True)
        register = client.get("/minors/").get_data(as_text=True)
        assert (shown in page) is sees and (shown in register) is sees, reader.full_name
        assert ("Medical opinion of" in register or "Avis médical de" in register) is sees
        pdf = client.get("/minors/register.pdf").data
        text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
        assert (shown in text) is sees, f"register PDF for {reader.full_name}"
        if not sees:
            assert "Vu seulement par les administrateurs" in page and "réservé" in register
