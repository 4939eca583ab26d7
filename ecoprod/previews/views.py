"""The viewer of a drawing and the images of previews, served only to whoever may see the
file (``previews.access``: 404 otherwise).

Images are served from the file store as they were made; a thumbnail not ready yet is a
placeholder, never an error. The SVG of a DXF is one the worker generated and cleaned,
never an uploaded one; it is shown as an ``<img>`` (no script runs in an image) and served
with a policy that forbids everything but its inline styles, as a download if opened alone.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, abort, current_app, render_template, send_file, send_from_directory, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import school_member_required
from ecoprod.orders.models import Attachment, Order
from ecoprod.planning.models import OperationPhoto
from ecoprod.previews import access, services
from ecoprod.previews.models import Preview
from ecoprod.previews.render import PREVIEWABLE
from ecoprod.storage import file_store

bp = Blueprint("previews", __name__)

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
DRAWING = "/requests/<int:order_id>/drawings/<int:attachment_id>"


class PreviewLinks(NamedTuple):
    viewer: str
    thumbnail: str


@bp.app_template_global()
def preview_links(order: Order, attachment: Attachment) -> PreviewLinks | None:
    """Where the order page's drawing list finds a drawing's thumbnail and viewer (none for
    STEP files: they are listed with their name and size)."""
    if attachment.kind not in PREVIEWABLE:
        return None
    ids = {"order_id": order.id, "attachment_id": attachment.id}
    return PreviewLinks(url_for("previews.drawing", **ids), url_for("previews.drawing_thumbnail", **ids))


@bp.app_template_global()
def photo_thumbnail_url(photo: OperationPhoto) -> str:
    return url_for("previews.photo_thumbnail", photo_id=photo.id)


def _stored_image(preview: Preview, stored_name: str | None, content_type: str | None) -> Response:
    if not stored_name or not content_type:
        abort(404)
    path = file_store().path(preview.school_id, stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, max_age=0, conditional=True, etag=stored_name)
    response.headers["Cache-Control"] = "private, max-age=3600"  # a new render gets a new name
    return response


def _thumbnail(preview: Preview | None) -> Response:
    if preview is not None and preview.ready:
        return _stored_image(preview, preview.thumbnail_name, preview.thumbnail_type)
    name = "img/preview-pending.svg" if services.waiting(preview) else "img/preview-unavailable.svg"
    response = send_from_directory(current_app.static_folder or "static", name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # asked again once it is made
    return response


def _ready_preview(attachment: Attachment) -> Preview:
    preview = services.preview_of(attachment.school_id, attachment.stored_name)
    if preview is None or not preview.ready:
        abort(404)
    return preview


@bp.get(f"{DRAWING}/preview")
@school_member_required
def drawing(order_id: int, attachment_id: int) -> str:
    attachment = access.load_drawing_or_404(order_id, attachment_id, current_user)
    preview = services.preview_of(attachment.school_id, attachment.stored_name)
    return render_template(
        "previews/drawing.html",
        order=attachment.order,
        attachment=attachment,
        preview=preview,
        waiting=services.waiting(preview),
        previewable=attachment.kind in PREVIEWABLE,
    )


@bp.get(f"{DRAWING}/thumbnail")
@school_member_required
def drawing_thumbnail(order_id: int, attachment_id: int) -> Response:
    attachment = access.load_drawing_or_404(order_id, attachment_id, current_user)
    return _thumbnail(services.preview_of(attachment.school_id, attachment.stored_name))


@bp.get(f"{DRAWING}/pages/<int:number>")
@school_member_required
def drawing_page(order_id: int, attachment_id: int, number: int) -> Response:
    preview = _ready_preview(access.load_drawing_or_404(order_id, attachment_id, current_user))
    page = next((page for page in preview.pages if page.number == number), None)
    if page is None:
        abort(404)
    return _stored_image(preview, page.stored_name, page.content_type)


@bp.get(f"{DRAWING}/drawing.svg")
@school_member_required
def drawing_svg(order_id: int, attachment_id: int) -> Response:
    attachment = access.load_drawing_or_404(order_id, attachment_id, current_user)
    preview = _ready_preview(attachment)
    response = _stored_image(preview, preview.svg_name, "image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.headers["Content-Disposition"] = f'attachment; filename="drawing-{attachment.id}.svg"'
    return response


@bp.get("/photos/<int:photo_id>/thumbnail")
@school_member_required
def photo_thumbnail(photo_id: int) -> Response:
    """Staff see every photo's thumbnail; a customer only those of photos shared with them."""
    photo = access.load_photo_or_404(photo_id, current_user)
    return _thumbnail(services.preview_of(photo.school_id, photo.stored_name))
