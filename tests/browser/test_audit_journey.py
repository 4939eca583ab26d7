"""An administrator reads the audit trail in a real browser: reaches it from the school's
settings, finds the refused sign-in before their own, filters by action, is told beside the
field when the period runs backwards, and downloads the CSV of what the filter shows."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from ecoprod import audit
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from tests.factories import PASSWORD


def test_an_administrator_browses_filters_and_exports_the_audit_trail(world, visit, tmp_path: Path) -> None:
    for _ in range(30):  # more than a page, to page through
        audit.record("sign_in", world.master, actor_id=world.master.id, school_id=world.school.id)
    db.session.commit()
    admin = visit("admin-audit")
    admin.page.goto("/login")
    admin.page.get_by_label("Adresse e-mail").fill(world.admin.email)
    admin.page.get_by_label("Mot de passe").fill("not-the-password")
    admin.page.get_by_role("button", name="Se connecter").click()
    expect(admin.page.get_by_text("Adresse e-mail ou mot de passe incorrect", exact=False)).to_be_visible()
    admin.sign_in(world.admin.email, PASSWORD)

    page = admin.page
    page.goto("/admin/school")
    page.get_by_role("link", name="Journal d’audit").click()
    expect(page.get_by_role("heading", name="Journal d’audit")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Connexion")
    expect(rows.first).to_contain_text(world.admin.full_name)
    expect(rows.nth(1)).to_contain_text("Connexion refusée")
    admin.check_page("audit")
    page.get_by_role("link", name="Suivante →").click()
    expect(rows).to_have_count(7)

    page.goto("/admin/audit")
    page.get_by_label("Action").select_option(label="Connexion refusée")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("127.0.0.1")

    today = local_today()
    page.get_by_label("Du", exact=True).fill(today.isoformat())
    page.get_by_label("Au", exact=True).fill(today.replace(year=today.year - 1).isoformat())
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#end-error")).to_have_text("La fin précède le début.")
    admin.check_page("audit-error")

    page.goto("/admin/audit?action=sign_in.failed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en CSV").click()
    saved = tmp_path / "audit.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "Connexion refusée" in lines[1] and "127.0.0.1" in lines[1]


def test_an_administrator_exports_then_erases_a_students_data(world, visit, tmp_path: Path) -> None:
    import json
    import zipfile

    student = world.student
    admin = visit("admin-privacy")
    admin.sign_in(world.admin.email, PASSWORD)
    page = admin.page
    page.goto(f"/admin/students/{student.id}/edit")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter ses données (ZIP)").click()
    saved = tmp_path / "donnees.zip"
    download.value.save_as(saved)
    data = json.loads(zipfile.ZipFile(saved).read("donnees.json"))
    assert data["student"]["last_name"] == "Secretnom"

    page.get_by_role("link", name="Effacer ses données…").click()
    expect(page.get_by_role("heading", name="Effacer les données de Théo Secretnom")).to_be_visible()
    page.get_by_label("Saisissez le nom complet de l’élève pour confirmer").fill("Théo")
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.locator("#confirm-error")).to_contain_text("Saisissez « Théo Secretnom » exactement")
    admin.check_page("erase-refused")
    page.get_by_label("Saisissez le nom complet de l’élève pour confirmer").fill("Théo Secretnom")
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_text("L’identité de l’élève a été effacée")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Élève anonyme n° {student.id}")
    admin.check_page("erased")
    page.goto("/admin/students/?archived=1")
    expect(page.locator("body")).not_to_contain_text("Secretnom")
