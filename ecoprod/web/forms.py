from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from ecoprod.forms import BaseForm


class ActionForm(BaseForm):
    """An empty form: the CSRF token of a button that does one thing."""


class ReasonForm(BaseForm):
    reason = StringField(validators=[DataRequired(), Length(max=1000)])


class LanguageForm(BaseForm):
    lang = HiddenField(validators=[AnyOf(["fr", "en"])])


class SearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(validators=[Length(max=100)])
