"""An administrator imports customers from an XLSX: the preview shows each row's problems
beside its column and nothing is saved; the corrected file is confirmed; the customers are
in the list."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.imports.files import CUSTOMER_HEADERS, SIRETS, customer_rows, xlsx


def test_an_admin_imports_customers_fixes_the_errors_and_confirms(world, visit, tmp_path):
    rows = [CUSTOMER_HEADERS, *customer_rows(3)]
    rows[1][0] = "Forges Lumière"
    rows[1][1] = SIRETS[1]
    rows[2][2] = "pas-une-adresse"
    rows[3][4] = None
    wrong = tmp_path / "clients.xlsx"
    wrong.write_bytes(xlsx(rows))
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    page = admin.page
    page.goto("/admin/customers/")
    page.get_by_role("link", name="Importer…").click()
    admin.check_page("import")
    page.get_by_label("Contenu du fichier").select_option(label="Clients")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(wrong))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("h1")).to_contain_text("Import de clients.xlsx")
    expect(page.locator(".import-summary")).to_contain_text("2 avec des problèmes")
    problems = page.locator("tr.row-error")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("E-mail de facturation")
    expect(problems.nth(1)).to_contain_text("Code postal")
    admin.check_page("import-preview-errors")
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.locator(".flash, [role=alert]").first).to_contain_text("rien n’a été importé")
    page.goto("/admin/customers/?q=Lumi%C3%A8re")
    expect(page.get_by_text("Aucun client ne correspond")).to_be_visible()

    rows[2][2] = "compta@client1.fr"
    rows[3][4] = "69003"
    fixed = tmp_path / "clients-corrige.xlsx"
    fixed.write_bytes(xlsx(rows))
    page.goto("/admin/imports/")
    page.get_by_label("Contenu du fichier").select_option(label="Clients")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(fixed))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator(".import-summary")).to_contain_text("Toutes les lignes peuvent être importées")
    admin.check_page("import-preview-ready")
    page.get_by_role("button", name="Importer les 3 lignes").click()
    expect(page.get_by_text("3 créé(s), 0 mis à jour, 0 écarté(s)").first).to_be_visible()
    admin.check_page("import-done")
    page.goto("/admin/customers/?q=Lumi%C3%A8re")
    expect(page.get_by_role("link", name="Forges Lumière")).to_be_visible()
