"""The director opens the activity report from the menu: its figures, its bar charts (SVG
drawn by the server), another school year; the operator reads the network's, without names."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import PASSWORD, report_world


def test_the_director_reads_the_activity_report(factory, world, visit):
    report_world(factory, world)
    admin = visit("admin")
    admin.sign_in(world.admin.email, PASSWORD)
    page = admin.page
    page.goto("/dashboard")
    page.get_by_role("link", name="Rapport d’activité").click()
    expect(page.locator("h1")).to_contain_text("Rapport d’activité")
    charts = page.locator("svg.bars-chart")
    expect(charts).to_have_count(4)
    expect(charts.first.locator("rect").first).to_be_visible()
    expect(page.locator(".figure", has_text="Heures pointées")).to_contain_text("14,75")
    expect(page.get_by_role("cell", name="Théo Secretnom").first).to_be_visible()
    admin.check_page("report")
    page.locator("#year").select_option(index=1)
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("svg.bars-chart")).to_have_count(0)
    expect(page.get_by_text("Rien sur cette année scolaire.").first).to_be_visible()

    operator = visit("operator")
    operator.sign_in(world.operator.email, PASSWORD)
    page = operator.page
    page.goto("/platform/schools")
    page.get_by_role("link", name="Rapport du réseau").click()
    expect(page.locator("svg.bars-chart")).to_have_count(2)
    expect(page.get_by_role("cell", name="École Alpha").first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Secretnom")
    operator.check_page("network-report")
