"""An order's conversation: its page, posting a message, opening a message's file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import school_member_required
from ecoprod.conversations import access, services
from ecoprod.conversations.forms import MessageForm
from ecoprod.conversations.panels import conversation_context
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.storage import UploadRefused, file_store
from ecoprod.web.feedback import show_on_form
from ecoprod.web.uploads import inspected_files

bp = Blueprint("conversations", __name__)


@bp.get("/requests/<int:order_id>/messages")
@school_member_required
def thread(order_id: int) -> str:
    order = access.load_conversation_or_404(order_id, current_user)
    return render_template("conversations/thread.html", **conversation_context(order, current_user))


@bp.post("/requests/<int:order_id>/messages")
@school_member_required
def post(order_id: int) -> Any:
    order = access.load_conversation_or_404(order_id, current_user)
    form = MessageForm()
    if form.validate_on_submit():
        files = inspected_files(form, "files")
        if files is not None:
            data = form.to_input(files, may_write_internal=access.can_write_internal(current_user))
            try:
                message = services.post(order, current_user, data)
            except (services.ConversationError, UploadRefused) as exc:  # the store may refuse a write
                db.session.rollback()
                show_on_form(form, exc, "files" if isinstance(exc, UploadRefused) else "body")
            else:
                db.session.commit()
                flash(
                    _("Internal note added.") if message.internal else _("Your message has been sent."),
                    "success",
                )
                return redirect(url_for("orders.detail", order_id=order.id, _anchor="messages"))
    return render_template(
        "conversations/thread.html", **conversation_context(order, current_user, form)
    ), 400


@bp.get("/requests/<int:order_id>/messages/<int:message_id>/files/<int:file_id>")
@school_member_required
def download(order_id: int, message_id: int, file_id: int) -> Response:
    found = access.load_file_or_404(order_id, message_id, file_id, current_user)
    response = send_file(
        file_store().path(found.school_id, found.stored_name),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.original_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
