"""Previews: queued when a drawing or a photo is uploaded, kept once made, found for a page.

A preview's row is written in the upload's transaction (``PENDING``) and its job queued
after the commit; the job (``previews.jobs``) renders and stores the images. The rows say
what is left to do: the sweep queues again what waits, adds the rows of files uploaded
before previews existed, and removes the previews of files that are gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ecoprod import signals
from ecoprod.database import utcnow
from ecoprod.deferred import after_commit
from ecoprod.extensions import db
from ecoprod.jobs import lease
from ecoprod.orders.models import Attachment, Order
from ecoprod.planning.models import OperationPhoto
from ecoprod.previews.models import Preview, PreviewPage, PreviewStatus, Source
from ecoprod.previews.render import PREVIEWABLE, Limits, Rendering
from ecoprod.storage import file_store

MAX_ATTEMPTS = 3  # a render that fails this often for another reason than the file: given up

_KIND_OF_TYPE = {"image/png": "png", "image/jpeg": "jpeg"}


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_pages=int(config["PREVIEW_MAX_PAGES"]),
        max_dxf_entities=int(config["PREVIEW_MAX_DXF_ENTITIES"]),
        seconds=float(config["PREVIEW_SECONDS"]),
    )


# --- Queued with the upload -----------------------------------------------------------------


def _queue(school_id: int, source: Source, source_name: str, file_kind: str) -> Preview | None:
    """A pending preview for this uploaded file, its job queued after the commit."""
    if file_kind not in PREVIEWABLE:
        return None
    preview = Preview(school_id=school_id, source=source, source_name=source_name, file_kind=file_kind)
    db.session.add(preview)
    db.session.flush()
    from ecoprod.previews.jobs import make_preview  # the job module imports these services

    after_commit(db.session, make_preview, preview.id)
    return preview


def queue_drawings(attachments: Iterable[Attachment]) -> list[Preview]:
    queued = (_queue(a.school_id, Source.DRAWING, a.stored_name, a.kind) for a in attachments)
    return [preview for preview in queued if preview is not None]


def queue_photo(photo: OperationPhoto) -> Preview | None:
    kind = _KIND_OF_TYPE.get(photo.content_type, "")
    return _queue(photo.school_id, Source.PHOTO, photo.stored_name, kind)


@signals.drawings_attached.connect
def _on_drawings(order: Order, attachments: Sequence[Attachment] = (), **_: Any) -> None:
    queue_drawings(attachments)


@signals.photo_added.connect
def _on_photo(photo: OperationPhoto, **_: Any) -> None:
    queue_photo(photo)


# --- Read for a page -------------------------------------------------------------------------


def preview_of(school_id: int, source_name: str) -> Preview | None:
    return db.session.scalars(
        sa.select(Preview).where(Preview.school_id == school_id, Preview.source_name == source_name)
    ).one_or_none()


def waiting(preview: Preview | None) -> bool:
    """Still to be made: pending, or no row yet (a file the sweep has not reached)."""
    return preview is None or preview.status is PreviewStatus.PENDING


# --- Made by the job ------------------------------------------------------------------------------


def claim(preview_id: int, now: datetime | None = None) -> Preview | None:
    """Take the preview's rendering for this process, unless it is made or claimed (flushed:
    the caller commits the claim before rendering)."""
    now = now or utcnow()
    claimed = db.session.execute(
        sa.update(Preview)
        .where(Preview.id == preview_id, _claimable(now))
        .values(claimed_at=now, attempts=Preview.attempts + 1)
        .execution_options(synchronize_session=False, all_schools=True)
    )
    if claimed.rowcount != 1:
        return None
    return db.session.scalars(
        sa.select(Preview).where(Preview.id == preview_id).execution_options(all_schools=True)
    ).one()


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    """Pending, not given up, under no live claim."""
    return sa.and_(
        Preview.status == PreviewStatus.PENDING,
        Preview.attempts < MAX_ATTEMPTS,
        sa.or_(Preview.claimed_at.is_(None), Preview.claimed_at < now - lease()),
    )


def source_bytes(preview: Preview) -> bytes | None:
    path = file_store().path(preview.school_id, preview.source_name)
    try:
        return path.read_bytes()
    except OSError:
        return None


def keep(preview: Preview, rendering: Rendering) -> None:
    """The images written to the store with this transaction, the preview ready."""
    store = file_store()

    def save(data: bytes) -> str:
        return store.save(preview.school_id, data, db.session)

    preview.thumbnail_name = save(rendering.thumbnail.data)
    preview.thumbnail_type = rendering.thumbnail.content_type
    preview.svg_name = save(rendering.svg.data) if rendering.svg is not None else None
    for number, page in enumerate(rendering.pages, start=1):
        preview.pages.append(
            PreviewPage(
                school_id=preview.school_id,
                number=number,
                stored_name=save(page.data),
                content_type=page.content_type,
                width=page.width,
                height=page.height,
            )
        )
    preview.page_count = rendering.page_count
    _finish(preview, PreviewStatus.READY, None)


def give_up(preview: Preview, problem: str) -> None:
    """The file cannot be shown: the viewer says so and offers the download."""
    _finish(preview, PreviewStatus.UNAVAILABLE, problem[:2000])


def _finish(preview: Preview, status: PreviewStatus, problem: str | None) -> None:
    preview.status = status
    preview.problem = problem
    preview.claimed_at = None
    preview.made_at = utcnow()


# --- The sweep ------------------------------------------------------------------------------------


def waiting_ids(now: datetime | None = None) -> list[int]:
    """Pending previews under no live claim, across schools."""
    return list(
        db.session.scalars(
            sa.select(Preview.id)
            .where(_claimable(now or utcnow()))
            .order_by(Preview.id)
            .execution_options(all_schools=True)
        )
    )


def _without_preview(model: Any) -> sa.ColumnElement[bool]:
    return ~sa.exists(
        sa.select(Preview.id).where(
            Preview.school_id == model.school_id, Preview.source_name == model.stored_name
        )
    )


def add_missing(batch: int = 200) -> int:
    """Queue the previews of files uploaded without one (before previews existed); flushed."""
    drawings = db.session.scalars(
        sa.select(Attachment)
        .where(Attachment.kind.in_(sorted(PREVIEWABLE)), _without_preview(Attachment))
        .order_by(Attachment.id)
        .limit(batch)
        .execution_options(all_schools=True)
    ).all()
    photos = db.session.scalars(
        sa.select(OperationPhoto)
        .where(_without_preview(OperationPhoto))
        .order_by(OperationPhoto.id)
        .limit(batch)
        .execution_options(all_schools=True)
    ).all()
    queued = queue_drawings(drawings)
    queued += [p for p in map(queue_photo, photos) if p is not None]
    return len(queued)


def forget_orphans(batch: int = 200) -> int:
    """Remove the previews of files no longer there (a drawing removed from its draft, a
    cancelled request's order deleted): rows now, their images once that is committed."""
    attachment = sa.select(Attachment.id).where(
        Attachment.school_id == Preview.school_id, Attachment.stored_name == Preview.source_name
    )
    photo = sa.select(OperationPhoto.id).where(
        OperationPhoto.school_id == Preview.school_id, OperationPhoto.stored_name == Preview.source_name
    )
    orphans = db.session.scalars(
        sa.select(Preview)
        .where(~sa.exists(attachment), ~sa.exists(photo))
        .order_by(Preview.id)
        .limit(batch)
        .options(selectinload(Preview.pages))  # their images: one statement, not one per preview
        .execution_options(all_schools=True)
    ).all()
    store = file_store()
    for preview in orphans:
        for name in preview.stored_names():
            store.delete(preview.school_id, name, db.session)
        db.session.delete(preview)
    db.session.flush()
    return len(orphans)
