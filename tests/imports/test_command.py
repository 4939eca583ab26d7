"""``flask import``: the same checks as the page; problems printed by line, nothing saved."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.planning.models import Competence
from tests.imports.files import xlsx


def _competences(school_id):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Competence).where(Competence.school_id == school_id)
    )


def test_flask_import_reports_problems_and_saves_all_or_nothing(app, world, tmp_path):
    path = tmp_path / "competences.xlsx"
    path.write_bytes(
        xlsx([["Code", "Compétence", "Diplôme"], ["C1", "Lire un plan", "CAP"], ["C2", None, "CAP"]])
    )
    runner = app.test_cli_runner()
    before = _competences(world.school.id)
    refused = runner.invoke(args=["import", "competences", str(path), "--school", world.school.slug])
    assert refused.exit_code != 0
    assert "line 3: Compétence" in refused.output and "1 ligne(s) ont des problèmes" in refused.output
    assert _competences(world.school.id) == before
    dry = runner.invoke(args=["import", "competences", str(path), "--school", world.school.slug, "--dry-run"])
    assert dry.exit_code == 0 and "1 to create" in dry.output
    done = runner.invoke(
        args=["import", "competences", str(path), "--school", world.school.slug, "--only-valid"]
    )
    assert done.exit_code == 0, done.output
    assert "imported: 1 created, 0 updated, 1 left out" in done.output
    assert _competences(world.school.id) == before + 1
    assert _competences(world.other_school.id) == 0
