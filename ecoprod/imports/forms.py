from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from ecoprod.forms import BaseForm, options
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.imports.kinds import KINDS


class UploadForm(BaseForm):
    kind = SelectField(
        _l("What the file holds"),
        choices=options((name, kind.title) for name, kind in KINDS.items()),
        validators=[DataRequired()],
    )
    file = FileField(_l("CSV or XLSX file"))


class ConfirmForm(BaseForm):
    only_valid = BooleanField(_l("Import only the rows without problems (the others are left out)"))
