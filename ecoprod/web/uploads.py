"""The files posted in one field of a form, each checked (name, size, content) before anything
is written; a refused file is shown beside the field, like any other error."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from ecoprod.i18n import gettext as _
from ecoprod.storage import DRAWING_KINDS, FileKind, InspectedFile, UploadRefused, inspect_upload
from ecoprod.web.feedback import show_on_form


def inspected_files(
    form: Any, field_name: str, kinds: tuple[FileKind, ...] = DRAWING_KINDS
) -> list[InspectedFile] | None:
    """The field's files, checked, at most ``UPLOAD_MAX_FILES`` of ``UPLOAD_MAX_BYTES`` each;
    None when one is refused (the field then says why)."""
    field = form[field_name]
    files = []
    max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
    for upload in request.files.getlist(field.name):
        if not upload or (not upload.filename and upload.content_length == 0):
            continue
        try:
            files.append(inspect_upload(upload.stream, upload.filename, kinds, max_bytes))
        except UploadRefused as exc:
            show_on_form(form, exc, field_name)
    most = current_app.config["UPLOAD_MAX_FILES"]
    if len(files) > most:
        field.errors = [*field.errors, _("%(n)s files at most.", n=most)]
    return None if field.errors else files
