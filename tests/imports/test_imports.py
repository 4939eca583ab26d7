"""Importing a school's spreadsheets: each row checked as the app's own form checks it,
nothing saved while a row has problems (unless the admin chooses the good rows), re-import
updates instead of duplicating, abandoned files purged, and the school's boundary kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ecoprod.customers.models import Contact, Customer
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.imports import reader, services
from ecoprod.imports.kinds.base import BOOL, DATE, Column
from ecoprod.imports.kinds.reference import days_pattern
from ecoprod.imports.models import ImportBatch
from ecoprod.imports.rules import convert
from ecoprod.planning.models import Competence
from ecoprod.slots import Half, bit
from ecoprod.storage import UploadRefused
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Machine
from tests.imports.files import CUSTOMER_HEADERS, SIRETS, csv_bytes, customer_rows, xlsx


def _count(model, school_id):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.school_id == school_id)
    )


def _import(world, kind, data, name="fichier.xlsx", only_valid=False):
    with scoped_to(db.session, world.school.id):
        batch = services.upload(world.school.id, world.admin.id, kind, name, data)
        db.session.commit()
        try:
            result = services.apply(batch, only_valid=only_valid)
        except ActionRefused:
            db.session.rollback()
            raise
        db.session.commit()
        return batch, result


def test_the_reader_takes_csv_from_excel_and_xlsx(app):
    semicolons = csv_bytes([["Nom", "Ville"], ["Dupont", "Lyon"], [], ["Élan", "Évry"]], encoding="cp1252")
    sheet = reader.read(semicolons)
    assert sheet.headers == ["Nom", "Ville"]
    assert [(row.line, row.cells["Ville"]) for row in sheet.rows] == [(2, "Lyon"), (4, "Évry")]
    commas = reader.read(csv_bytes([["Nom", "Ville"], ["A, B et fils", "Lyon"]], delimiter=","))
    assert commas.rows[0].cells["Nom"] == "A, B et fils"
    workbook = reader.read(xlsx([["Nom", "Né le", "N°"], ["Léa", date(2010, 3, 14), 73282932000074]]))
    assert workbook.rows[0].cells == {"Nom": "Léa", "Né le": date(2010, 3, 14), "N°": "73282932000074"}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02binary",
        b"PK\x03\x04not really a zip",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00",
        b"Nom;Ville\r\n",
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(app, data):
    with pytest.raises(UploadRefused) as refused:
        reader.read(data)
    assert refused.value.reasons


def test_cells_are_turned_into_what_the_forms_expect(app):
    born = Column("birth_date", "Né le", type=DATE)
    assert convert(born, "14/03/2010", None) == "2010-03-14"
    assert convert(born, date(2010, 3, 14), None) == "2010-03-14"
    assert convert(born, "2010-03-14", None) == "2010-03-14"
    with pytest.raises(ValueError, match="jj/mm/aaaa"):
        convert(born, "14 mars", None)
    regulated = Column("regulated", "Réglementée", type=BOOL)
    assert convert(regulated, "Oui", None) == "y" and convert(regulated, "non", None) == "false"
    with pytest.raises(ValueError):
        convert(regulated, "peut-être", None)
    assert days_pattern("lun, Mardi ven.", Half.AM) == bit(0, Half.AM) | bit(1, Half.AM) | bit(4, Half.AM)
    with pytest.raises(ValueError, match="samedi"):
        days_pattern("lun samedi", Half.PM)


def test_customers_are_created_with_their_contact_then_updated_not_duplicated(world):
    rows = [CUSTOMER_HEADERS, *customer_rows(3)]
    rows[1][1] = SIRETS[0]
    batch, _result = _import(world, "customers", xlsx(rows))
    assert (batch.rows_created, batch.rows_updated, batch.rows_skipped) == (3, 0, 0)
    assert batch.content is None  # the file is not kept once imported
    with scoped_to(db.session, world.school.id):
        first = db.session.scalar(sa.select(Customer).where(Customer.siret == SIRETS[0]))
        assert first.name == "Entreprise 0" and first.siren == SIRETS[0][:9]
        assert [(c.name, c.email, c.is_primary) for c in first.contacts] == [
            ("Contact 0", "contact0@client0.fr", True)
        ]
    before = _count(Customer, world.school.id), _count(Contact, world.school.id)
    again, _ = _import(world, "customers", xlsx(rows))
    assert (again.rows_created, again.rows_updated) == (0, 0)
    assert (_count(Customer, world.school.id), _count(Contact, world.school.id)) == before
    rows[1][5] = "Villeurbanne"  # matched by SIRET; the others by e-mail
    rows[2][0] = "Entreprise 1 SAS"
    changed, _ = _import(world, "customers", xlsx(rows))
    assert (changed.rows_created, changed.rows_updated) == (0, 2)
    assert _count(Customer, world.school.id) == before[0]
    with scoped_to(db.session, world.school.id):
        db.session.refresh(first)
        assert first.billing_address.city == "Villeurbanne"
    assert _count(Customer, world.other_school.id) == 1  # the other school's list is untouched


def test_a_siret_finds_the_customer_known_by_its_siren_alone(world):
    rows = [CUSTOMER_HEADERS, *customer_rows(1)]
    rows[1][1], rows[1][2] = SIRETS[0][:9], None
    _import(world, "customers", xlsx(rows))
    rows[1][1] = SIRETS[0]  # the same company, now with its establishment
    again, _ = _import(world, "customers", xlsx(rows))
    assert (again.rows_created, again.rows_updated) == (0, 1)
    with scoped_to(db.session, world.school.id):
        found = db.session.scalars(sa.select(Customer).where(Customer.siren == SIRETS[0][:9])).all()
        assert [c.siret for c in found] == [SIRETS[0]]


def test_a_file_with_errors_on_several_rows_saves_nothing(world):
    rows = [CUSTOMER_HEADERS, *customer_rows(4)]
    rows[1][1] = "12345678901234"  # not a SIRET
    rows[2][2] = "pas-une-adresse"  # not an e-mail
    rows[3][4] = None  # no postal code
    rows[4][2] = rows[3][2]  # same e-mail as line 4
    before = _count(Customer, world.school.id)
    with scoped_to(db.session, world.school.id):
        batch = services.upload(world.school.id, world.admin.id, "customers", "clients.xlsx", xlsx(rows))
        db.session.commit()
        preview = services.preview(batch)
        problems = {row.line: row.problems for row in preview.rows}
        assert "SIRET" in problems[2][0][0] and "SIRET" in problems[2][0][1]
        assert problems[3][0][0] == "E-mail de facturation"
        assert problems[4][0][0] == "Code postal"
        assert problems[5] == [("E-mail de facturation", "Même e-mail qu’à la ligne 4.")]
        with pytest.raises(ActionRefused, match="4 ligne"):
            services.apply(batch)
        db.session.rollback()
    assert _count(Customer, world.school.id) == before
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.applied_at is None and batch.content is not None


def test_the_admin_may_import_only_the_rows_without_problems(world):
    rows = [CUSTOMER_HEADERS, *customer_rows(3)]
    rows[2][4] = None
    batch, _ = _import(world, "customers", xlsx(rows), only_valid=True)
    assert (batch.rows_created, batch.rows_skipped) == (2, 1)
    with scoped_to(db.session, world.school.id):
        names = set(db.session.scalars(sa.select(Customer.name)))
    assert {"Entreprise 0", "Entreprise 2"} <= names and "Entreprise 1" not in names


def test_a_missing_required_column_refuses_the_file(world):
    with scoped_to(db.session, world.school.id), pytest.raises(UploadRefused, match="Code postal"):
        services.upload(
            world.school.id,
            world.admin.id,
            "customers",
            "c.csv",
            csv_bytes([["Raison sociale", "Adresse", "Ville"], ["Dupont", "1 rue", "Lyon"]]),
        )


def test_students_with_timetable_are_matched_by_number_then_name(world):
    header = ["N° élève", "Nom", "Prénom", "Date de naissance", "Métier", "Atelier", "Matins à l’atelier",
              "Après-midi à l’atelier"]  # fmt: skip
    rows = [header, ["E-1", "Martin", "Léa", "14/03/2010", "Usinage", world.machining.name, "lun mar", "jeu"],
            [None, "Durand", "Hugo", date(2009, 9, 1), "usinage", None, None, None]]  # fmt: skip
    batch, _ = _import(world, "students", csv_bytes(rows), name="eleves.csv")
    assert batch.rows_created == 2
    with scoped_to(db.session, world.school.id):
        lea = db.session.scalar(sa.select(Student).where(Student.student_number == "E-1"))
        assert (lea.birth_date, lea.workshop_id) == (date(2010, 3, 14), world.machining.id)
        assert lea.workshop_pattern == bit(0, Half.AM) | bit(1, Half.AM) | bit(3, Half.PM)
    rows[1][1] = "Martin-Roux"  # a new name, the same number
    again, _ = _import(world, "students", csv_bytes(rows), name="eleves.csv")
    assert (again.rows_created, again.rows_updated) == (0, 1)
    rows[2][5] = "Atelier fantôme"
    with pytest.raises(ActionRefused):
        _import(world, "students", csv_bytes(rows), name="eleves.csv")


def test_machines_and_competences(world):
    machines = [["Atelier", "Machine", "Machine réglementée"], [world.machining.name, "Fraiseuse CN", "oui"],
                [world.machining.name, "Perceuse", "non"]]  # fmt: skip
    batch, _ = _import(world, "machines", xlsx(machines))
    assert batch.rows_created == 2
    with scoped_to(db.session, world.school.id):
        milling = db.session.scalar(sa.select(Machine).where(Machine.name == "Fraiseuse CN"))
        assert milling.regulated and milling.workshop_id == world.machining.id
    again, _ = _import(world, "machines", xlsx(machines))
    assert (again.rows_created, again.rows_updated) == (0, 0)
    competences = [["Code", "Compétence", "Diplôme"], ["C1", "Lire un plan", "CAP"], ["c1", "Doublon", "CAP"]]
    with pytest.raises(ActionRefused):
        _import(world, "competences", xlsx(competences))
    batch, _ = _import(world, "competences", xlsx(competences[:2]))
    assert batch.rows_created == 1 and _count(Competence, world.school.id) >= 1


def test_abandoned_uploads_are_purged_after_a_day(world):
    with scoped_to(db.session, world.school.id):
        batch = services.upload(world.school.id, world.admin.id, "competences", "c.xlsx",
                                xlsx([["Code", "Compétence"], ["C9", "Souder"]]))  # fmt: skip
        db.session.commit()
        batch_id = batch.id
    assert services.purge_abandoned() == 0
    assert services.purge_abandoned(batch.created_at + timedelta(days=1, minutes=1)) == 1
    db.session.commit()
    assert db.session.get(ImportBatch, batch_id) is None


@pytest.mark.parametrize("kind", ["customers", "students", "machines", "competences"])
def test_templates_read_back_as_their_own_columns(world, kind):
    for fmt in ("xlsx", "csv"):
        with scoped_to(db.session, world.school.id):
            batch = services.upload(
                world.school.id, world.admin.id, kind, f"modele.{fmt}", services.template(kind, fmt)
            )
            preview = services.preview(batch)
        assert not preview.ignored and len(preview.rows) == 1
        db.session.rollback()


def test_empty_cells_leave_the_student_number_and_year_as_they_were(world):
    """Matched by name and birth date, a row without a number or a year keeps the student's
    (an empty cell changes nothing, as the template says; the form alone would erase the
    number and put the year back to 1)."""
    header = ["N° élève", "Nom", "Prénom", "Date de naissance", "Métier", "Année de formation"]
    first = [header, ["E-7", "Petit", "Inès", "02/05/2010", "Usinage", "2"]]
    _import(world, "students", csv_bytes(first), "e.csv")
    again, _ = _import(
        world,
        "students",
        csv_bytes([header, [None, "Petit", "Inès", "02/05/2010", "Usinage", None]]),
        "e.csv",
    )
    assert (again.rows_created, again.rows_updated) == (0, 0)
    with scoped_to(db.session, world.school.id):
        ines = db.session.scalar(sa.select(Student).where(Student.last_name == "Petit"))
        assert (ines.student_number, ines.training_year) == ("E-7", 2)
