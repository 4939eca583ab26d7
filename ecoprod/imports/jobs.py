"""Files uploaded for an import and never confirmed are deleted after a day."""

from __future__ import annotations

from ecoprod.extensions import db
from ecoprod.imports import services
from ecoprod.jobs import daily_at, periodic


@periodic(daily_at(3, 40))
def purge_abandoned_imports() -> None:
    services.purge_abandoned()
    db.session.commit()
