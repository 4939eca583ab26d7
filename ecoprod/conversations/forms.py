"""The form under an order's conversation."""

from __future__ import annotations

from wtforms import BooleanField, MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Length

from ecoprod.conversations.services import MAX_BODY, MessageInput
from ecoprod.forms import BaseForm
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.storage import InspectedFile


class MessageForm(BaseForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(message=_l("Write a message.")), Length(max=MAX_BODY)],
    )
    internal = BooleanField(_l("Internal note (staff only: the customer never sees it)"))
    files = MultipleFileField(_l("Files to attach (PDF, PNG, JPEG, DXF, STEP)"))

    def to_input(self, files: list[InspectedFile], *, may_write_internal: bool) -> MessageInput:
        return MessageInput(
            body=self.body.data or "",
            internal=bool(self.internal.data) and may_write_internal,
            files=files,
        )
