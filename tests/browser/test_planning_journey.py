"""Planning in a real browser: a master splits a firm order, auto-plans, moves on the board,
is refused a minor on a regulated machine, logs time; the customer follows without students."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.planning import services
from ecoprod.planning.models import Assignment, Operation, TimeLog
from ecoprod.slots import half_days, week_start
from ecoprod.students.models import Student
from ecoprod.tenancy import scoped_to
from tests.factories import PASSWORD, firm_order, next_monday

OPERATIONS = [
    ("cut", "Débit des barres", "3,5", None),
    ("machine", "Tournage des axes", "3,5", "machine"),
    ("inspect", "Contrôle final", "3,5", None),
]


def add_operations(page, order_id, workshop_id, machine_name):
    page.goto(f"/requests/{order_id}")
    for kind, name, hours, machine in OPERATIONS:
        form = page.locator("form", has=page.get_by_role("button", name="Ajouter l’opération"))
        expect(form.locator("#workshop_id")).to_have_value(str(workshop_id))  # the order's trade
        form.locator("#kind").select_option(kind)
        form.locator("#name").fill(name)
        form.locator("#estimated_hours").fill(hours)
        if machine:
            form.locator("#machine_id").select_option(label=f"{machine_name} (Usinage Alpha) ⚠")
        form.get_by_role("button", name="Ajouter l’opération").click()
        expect(page.locator(".flash-success")).to_contain_text("L’opération a été ajoutée.")
    rows = page.locator("#operations tbody tr")
    expect(rows).to_have_count(3)


def a_free_slot(assignment: Assignment):
    """Another half-day of the same week where the same student may do the same operation."""
    monday = week_start(assignment.day)
    for slot in half_days(max(monday, local_today()), monday + timedelta(days=4)):
        if slot == assignment.slot:
            continue
        refusals, _ = services.check_slots(
            assignment.operation, assignment.student, [slot], ignore=assignment.id
        )
        if not refusals:
            return slot
    return None


def test_master_plans_an_order_and_the_customer_follows_it_without_students(workday, world, factory, visit):
    school = world.school
    with scoped_to(db.session, school.id):
        order = firm_order(factory, world.customer_user, "Châssis Zéphyr", promised_in_days=50)
        factory.student(
            school, world.machining, first_name="Adam", last_name="Majeur", birth_date=date(2004, 2, 2)
        )
    students = db.session.scalars(sa.select(Student)).all()
    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    page = master.page

    # 1. The master splits the order into three operations.
    add_operations(page, order.id, world.machining.id, world.machine.name)
    master.check_page("order-operations")
    turning = db.session.scalars(sa.select(Operation).where(Operation.name == "Tournage des axes")).one()
    assert turning.machine_id == world.machine.id

    # 2. Théo (15) on the regulated lathe: refused, with the reason, since nothing is declared.
    page.goto(f"/operations/{turning.id}")
    monday = next_monday()
    page.locator("#assign-student_id").select_option(label="Théo Secretnom (niveau 1)")
    page.locator("#assign-slots").select_option(f"{monday.isoformat()}-am")
    page.get_by_role("button", name="Affecter").click()
    refusals = page.locator(".flash-error")
    expect(refusals.first).to_have_text("Affectation refusée :")
    expect(refusals.filter(has_text="aucune déclaration de dérogation valide ce jour-là")).to_have_count(1)
    master.check_page("operation-refused")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0

    # 3. Auto-plan the workshop: review, apply.
    page.goto(f"/planning/workshops/{world.machining.id}")
    page.get_by_role("link", name="Planification automatique").click()
    for _kind, name, _hours, _machine in OPERATIONS:
        expect(page.get_by_text(name)).to_be_visible()
    master.check_page("autoplan")
    page.get_by_role("button", name="Appliquer ce planning").click()
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assignments = db.session.scalars(sa.select(Assignment).order_by(Assignment.day, Assignment.half)).all()
    assert len(assignments) == 3
    lathe = next(a for a in assignments if a.operation_id == turning.id)
    assert lathe.student.last_name == "Majeur"  # the adult: the minor lacks the declaration

    # 4. Move the last assignment on the board, in place.
    moved = assignments[-1]
    target = a_free_slot(moved)
    assert target is not None
    page.goto(f"/planning/workshops/{world.machining.id}?week={week_start(moved.day).isoformat()}")
    master.check_page("board")
    chip = page.locator(".chip", has=page.locator(f"a[href$='/assignments/{moved.id}/move']"))
    chip.get_by_role("link", name="Déplacer", exact=True).click()  # htmx brings the form into the chip
    form = page.locator(f"form[action$='/assignments/{moved.id}/move']")
    form.locator(f"#move{moved.id}-slot").select_option(target.key())
    url_before = page.url
    form.get_by_role("button", name="Déplacer ici").click()
    expect(page.locator("#board .flash-success")).to_contain_text("Déplacé")
    assert page.url == url_before  # htmx swapped the board; no page load
    db.session.expire_all()
    assert db.session.get(Assignment, moved.id).slot == target

    # 5. Log time on the first operation.
    first = assignments[0]
    page.goto(f"/operations/{first.operation_id}")
    page.locator("#time-student_id").select_option(str(first.student_id))
    page.locator("#time-day").fill(local_today().isoformat())
    page.locator("#time-hours").fill("2,5")
    page.get_by_role("button", name="Saisir", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("2,5")
    db.session.expire_all()
    logged = db.session.scalars(sa.select(TimeLog)).one()
    assert (logged.student_id, str(logged.hours)) == (first.student_id, "2.50")

    # 6. The customer follows the order: progress, no student anywhere.
    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    cpage = customer.page
    names = {part for s in students for part in (s.first_name, s.last_name, s.full_name)}
    for url in ("/requests", f"/requests/{order.id}", "/quotes", "/account"):
        cpage.goto(url)
        text = cpage.content()
        for name in names:
            assert name not in text, f"{url} shows {name}"
        if url == f"/requests/{order.id}":
            expect(cpage.get_by_role("progressbar")).to_be_visible()
            expect(cpage.get_by_text("Tournage des axes")).to_be_visible()
            customer.check_page("order-progress")
