"""Students (with their workshop timetable), workshops' machines and the competences of the
diplomas: the school's reference data, each row checked by the page's own form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.imports.kinds.base import (
    BOOL,
    CHOICE,
    DATE,
    Checked,
    Column,
    FormPool,
    Kind,
    choice_map,
    form_errors,
    norm,
)
from ecoprod.planning.forms import CompetenceForm
from ecoprod.planning.models import Competence
from ecoprod.slots import DEFAULT_STUDENT_PATTERN, Half, bit
from ecoprod.students import services as students
from ecoprod.students.forms import StudentForm
from ecoprod.students.models import Student
from ecoprod.workshops import services as workshops
from ecoprod.workshops.forms import MachineForm
from ecoprod.workshops.models import TRADE_LABELS, Machine, Workshop

WEEKDAYS = {
    norm(word): day
    for day, words in enumerate(
        (
            ("lun", "lundi", "mon", "monday"),
            ("mar", "mardi", "tue", "tuesday"),
            ("mer", "mercredi", "wed", "wednesday"),
            ("jeu", "jeudi", "thu", "thursday"),
            ("ven", "vendredi", "fri", "friday"),
        )
    )
    for word in words
}


def days_pattern(text: str, half: Half) -> int:
    """``"lun, mar jeu"`` → the bits of those mornings (or afternoons); ``ValueError`` names
    the word that is not a weekday."""
    pattern = 0
    for word in text.replace(",", " ").replace(";", " ").replace("/", " ").split():
        day = WEEKDAYS.get(norm(word.rstrip(".")))
        if day is None:
            raise ValueError(str(_l("“%(word)s” is not a weekday (lun, mar, mer, jeu, ven).", word=word)))
        pattern |= bit(day, half)
    return pattern


def _workshops(school_id: int) -> dict[str, Workshop]:
    rows = db.session.scalars(sa.select(Workshop).where(Workshop.school_id == school_id))
    return {norm(workshop.name): workshop for workshop in rows}


def _snapshot(record: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(record, name) for name in names)


@dataclass
class StudentsFound:
    workshops: dict[str, Workshop]
    by_key: dict[tuple[str, str], Student] = field(default_factory=dict)


STUDENT_FIELDS = ("student_number", "first_name", "last_name", "birth_date", "trade", "training_year",
                  "workshop_id", "workshop_pattern")  # fmt: skip


def _student_keys(
    number: str | None, last: str | None, first: str | None, born: str | None
) -> list[tuple[str, str]]:
    keys = [("number", number.strip().upper())] if number else []
    if last and first and born:
        keys.append(("identity", f"{norm(last)}|{norm(first)}|{born}"))
    return keys


class Students(Kind):
    name = "students"
    title = _l("Students")
    key_labels = {"number": _l("student number"), "identity": _l("name and date of birth")}
    key_fields = {"number": "student_number", "identity": "last_name"}
    columns = (
        Column("student_number", _l("Student number"), "2026-014"),
        Column("last_name", _l("Last name"), "Martin", required=True),
        Column("first_name", _l("First name"), "Léa", required=True),
        Column("birth_date", _l("Date of birth"), "14/03/2010", required=True, type=DATE),
        Column("trade", _l("Trade"), "Usinage", required=True, type=CHOICE, choices=lambda: choice_map(TRADE_LABELS)),
        Column("training_year", _l("Year of training"), "1"),
        Column("workshop", _l("Workshop"), "Atelier usinage"),
        Column("mornings", _l("Mornings in the workshop"), "lun mer ven"),
        Column("afternoons", _l("Afternoons in the workshop"), "lun mar jeu ven"),
    )  # fmt: skip

    def load(self, school_id: int) -> StudentsFound:
        found = StudentsFound(_workshops(school_id))
        rows = db.session.scalars(
            sa.select(Student).where(Student.school_id == school_id, Student.erased_at.is_(None))
        )
        for student in rows:
            born = student.birth_date.isoformat()
            for key in _student_keys(student.student_number, student.last_name, student.first_name, born):
                found.by_key[key] = student
        return found

    def check(self, row: Checked, existing: StudentsFound, forms: FormPool) -> None:
        values = row.values
        keys = _student_keys(values.get("student_number"), values.get("last_name"), values.get("first_name"),
                             values.get("birth_date"))  # fmt: skip
        row.key = keys[0] if keys else None
        student = next((existing.by_key[key] for key in keys if key in existing.by_key), None)
        row.match_id = student.id if student else None
        data = dict(values)
        if student is not None:  # an empty cell leaves the current value (the form would not)
            for name in ("student_number", "training_year"):
                if not data.get(name) and getattr(student, name):
                    data[name] = str(getattr(student, name))
        workshop = None
        if values.get("workshop"):
            workshop = existing.workshops.get(norm(values["workshop"]))
            if workshop is None:
                row.refuse("workshop", _l("No workshop is called “%(name)s”.", name=values["workshop"]))
            else:
                data["workshop_id"] = str(workshop.id)
        elif student is not None and student.workshop_id:
            data["workshop_id"] = str(student.workshop_id)
        form = forms.filled(StudentForm, data)
        form.workshop_id.choices = [(w.id, w.name) for w in existing.workshops.values()]
        form.validate()
        row.errors.update(form_errors(form))
        pattern = student.workshop_pattern if student else DEFAULT_STUDENT_PATTERN
        if values.get("mornings") or values.get("afternoons"):
            pattern = 0
            for name, half in (("mornings", Half.AM), ("afternoons", Half.PM)):
                try:
                    pattern |= days_pattern(values.get(name) or "", half)
                except ValueError as exc:
                    row.refuse(name, exc)
        if not row.errors:
            row.payload = (form.to_input(), pattern, student)

    def save(self, school_id: int, row: Checked, existing: StudentsFound) -> bool:
        data, pattern, student = row.payload
        before = _snapshot(student, STUDENT_FIELDS) if student else None
        student = students.save_student(student, school_id, data)
        student.workshop_pattern = pattern  # flushed with the next row, or at the end
        return before != _snapshot(student, STUDENT_FIELDS)


@dataclass
class MachinesFound:
    workshops: dict[str, Workshop]
    by_key: dict[tuple[str, str], Machine] = field(default_factory=dict)


class Machines(Kind):
    name = "machines"
    title = _l("Machines")
    key_labels = {"machine": _l("workshop and machine name")}
    key_fields = {"machine": "name"}
    columns = (
        Column("workshop", _l("Workshop"), "Atelier usinage", required=True),
        Column("name", _l("Machine"), "Tour conventionnel Cazeneuve", required=True),
        Column("description", _l("Description"), "HB 500"),
        Column("regulated", _l("Regulated machine"), "oui", type=BOOL),
    )

    def load(self, school_id: int) -> MachinesFound:
        found = MachinesFound(_workshops(school_id))
        for machine in db.session.scalars(sa.select(Machine).where(Machine.school_id == school_id)):
            found.by_key[("machine", f"{machine.workshop_id}|{norm(machine.name)}")] = machine
        return found

    def check(self, row: Checked, existing: MachinesFound, forms: FormPool) -> None:
        values = dict(row.values)
        workshop = existing.workshops.get(norm(values.get("workshop")))
        if values.get("workshop") and workshop is None:
            row.refuse("workshop", _l("No workshop is called “%(name)s”.", name=values["workshop"]))
        if workshop is not None and values.get("name"):
            row.key = ("machine", f"{workshop.id}|{norm(values['name'])}")
        machine = existing.by_key.get(row.key) if row.key else None
        row.match_id = machine.id if machine else None
        if machine is not None:
            values.setdefault("description", machine.description or "")
            if "regulated" not in values and machine.regulated:  # an empty cell changes nothing
                values["regulated"] = "y"
        form = forms.filled(MachineForm, values)
        form.validate()
        row.errors.update(form_errors(form))
        if not row.errors and workshop is not None:
            row.payload = (workshop, machine, form.to_input())

    def save(self, school_id: int, row: Checked, existing: MachinesFound) -> bool:
        workshop, machine, data = row.payload
        names = ("name", "description", "regulated")
        before = _snapshot(machine, names) if machine else None
        machine = workshops.save_machine(workshop, machine, data)
        return before != _snapshot(machine, names)


class Competences(Kind):
    name = "competences"
    title = _l("Competences")
    key_labels = {"code": _l("code")}
    key_fields = {"code": "code"}
    columns = (
        Column("code", _l("Code"), "C3.2", required=True),
        Column("name", _l("Competence"), "Réaliser un usinage en tournage", required=True),
        Column("diploma", _l("Diploma"), "CAP Conducteur d’installations de production"),
    )

    def load(self, school_id: int) -> dict[tuple[str, str], Competence]:
        rows = db.session.scalars(sa.select(Competence).where(Competence.school_id == school_id))
        return {("code", competence.code.upper()): competence for competence in rows}

    def check(self, row: Checked, existing: dict[tuple[str, str], Competence], forms: FormPool) -> None:
        values = dict(row.values)
        if values.get("code"):
            row.key = ("code", values["code"].strip().upper())
        competence = existing.get(row.key) if row.key else None
        row.match_id = competence.id if competence else None
        if competence is not None and competence.diploma:
            values.setdefault("diploma", competence.diploma)
        form = forms.filled(CompetenceForm, values)
        form.validate()
        row.errors.update(form_errors(form))
        if not row.errors:
            row.payload = (competence, form.code.data, form.name.data, form.diploma.data)

    def save(self, school_id: int, row: Checked, existing: Any) -> bool:
        competence, code, name, diploma = row.payload
        if competence is None:
            db.session.add(Competence(school_id=school_id, code=code, name=name, diploma=diploma))
            return True
        before = _snapshot(competence, ("name", "diploma"))
        competence.name, competence.diploma = name, diploma
        return before != _snapshot(competence, ("name", "diploma"))
