from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length


class ActionForm(FlaskForm):
    """An empty form: the CSRF token of a button that does one thing."""


class ReasonForm(FlaskForm):
    reason = StringField(validators=[DataRequired(), Length(max=1000)])


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(["fr", "en"])])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(validators=[Length(max=100)])
