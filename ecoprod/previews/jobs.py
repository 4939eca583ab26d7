"""The worker's side of previews: each job claims its preview, renders it in a child
process (``isolation``) and commits the images with the row; it can run twice without
doing anything twice. A file that cannot be shown ends ``UNAVAILABLE`` (no retry); any
other failure (the store's disk) is retried, ``MAX_ATTEMPTS`` times at most."""

from __future__ import annotations

import logging

from flask import current_app

from ecoprod.extensions import db
from ecoprod.jobs import every_minutes, job, periodic
from ecoprod.previews import services
from ecoprod.previews.isolation import render_isolated
from ecoprod.previews.render import Rendering, Unavailable, render

log = logging.getLogger(__name__)


def _render(kind: str, data: bytes) -> Rendering:
    limits = services.limits()
    if current_app.config["PREVIEW_IN_CHILD_PROCESS"]:
        return render_isolated(kind, data, limits)
    return render(kind, data, limits)


@job(retries=2, retry_delay=60, retry_backoff=2)
def make_preview(preview_id: int) -> None:
    """Render one uploaded file's preview, once."""
    preview = services.claim(preview_id)
    db.session.commit()
    if preview is None:
        return  # made already, given up, or being made by a live process
    data = services.source_bytes(preview)
    try:
        if data is None:
            raise Unavailable("the uploaded file is missing from the store")
        rendering = _render(preview.file_kind, data)
    except Unavailable as exc:
        log.info("preview %s unavailable: %s", preview.id, exc)
        services.give_up(preview, str(exc))
        db.session.commit()
        return
    try:
        services.keep(preview, rendering)
        db.session.commit()
    except Exception:
        db.session.rollback()  # the images written are removed with the transaction
        if preview.attempts >= services.MAX_ATTEMPTS:
            services.give_up(preview, "the preview could not be stored")
            db.session.commit()
        raise


@periodic(every_minutes(5), at_start=True)
def sweep() -> None:
    """Queue what waits (a killed worker's, an upload's lost job), add the previews of files
    uploaded before them, and remove those of files that are gone."""
    waiting = services.waiting_ids()
    services.add_missing()  # queued after this commit, on their own
    services.forget_orphans()
    db.session.commit()
    for preview_id in waiting:
        make_preview(preview_id)
