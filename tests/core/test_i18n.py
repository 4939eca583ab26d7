"""French by default, English available; numbers, money and dates by locale."""

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from ecoprod.i18n import long_date, money, number, short_date
from tests.conftest import login_as, post

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "ecoprod" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def test_pages_are_french_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Se connecter" in html


def test_english_can_be_chosen_and_is_remembered_for_the_user(world, client):
    login_as(client, world.customer_user)
    post(client, "/language", {"lang": "en"})
    assert "My requests" in client.get("/requests").get_data(as_text=True)
    from ecoprod.extensions import db

    db.session.refresh(world.customer_user)
    assert world.customer_user.locale == "en"


def test_money_numbers_and_dates_in_french(app):
    with app.test_request_context(), force_locale("fr"):
        assert money(Decimal("1234.56")) == "1\u202f234,56\xa0€"
        assert number(Decimal("2.500")) == "2,5"
        assert short_date(date(2026, 11, 26)) == "26/11/2026"
        assert long_date(date(2026, 11, 26)) == "26 novembre 2026"
        # stored in UTC, shown in Paris time (UTC+1 in winter)
        assert short_date(datetime(2026, 11, 26, 13, 30, tzinfo=UTC)) == "26/11/2026 14:30"


def test_money_in_english(app):
    with app.test_request_context(), force_locale("en"):
        assert money(Decimal("1234.56")) == "€1,234.56"


def test_every_message_is_translated_to_french_and_compiled(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "_nl:1,2",
            "-k",
            "lazy_ngettext:1,2",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        extracted = {(m.context, m.id) for m in read_po(f) if m.id}
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f, locale="fr")
    translated = {
        (m.context, m.id)
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    missing = extracted - translated
    assert not missing, f"untranslated: {sorted(missing, key=str)[:10]}"
    mo = CATALOGUE.with_suffix(".mo")
    assert mo.stat().st_mtime >= CATALOGUE.stat().st_mtime - 1, "run `make messages` to compile the catalogue"


@pytest.mark.parametrize("text", ["Mot de passe oublié\u202f?", "Merci\u202f!"])
def test_french_typography_uses_non_breaking_spaces(text):
    assert text in CATALOGUE.read_text(encoding="utf-8")


def test_templates_translate_in_the_language_of_the_moment(app):
    """The translations a template uses are kept per request, yet follow ``force_locale``
    (a document or e-mail in the customer's language, in the middle of a French page)."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context():
        assert render_template_string("{{ _('Overdue') }}") == "En retard"
        with force_locale("en"):
            assert render_template_string("{{ _('Overdue') }}") == "Overdue"
            assert (
                render_template_string("{{ ngettext('%(num)s invoice', '%(num)s invoices', 2) }}")
                == "2 invoices"
            )
        assert render_template_string("{{ _('Overdue') }}") == "En retard"
        assert (
            render_template_string("{{ ngettext('%(num)s invoice', '%(num)s invoices', 2) }}") == "2 factures"
        )
