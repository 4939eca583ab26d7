from __future__ import annotations

from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from ecoprod.einvoicing.models import INVOICE_SYNTAXES, SYNTAX_LABELS, Syntax
from ecoprod.einvoicing.services import ConnectionInput
from ecoprod.forms import BaseForm, none_if_empty, options, text_field
from ecoprod.i18n import lazy_gettext as _l


class ConnectionForm(BaseForm):
    flow_url = text_field(
        _l("Flow Service address"),
        300,
        required=True,
        description=_l("Given by the platform, e.g. https://api.flow.example.fr/flow-service"),
    )
    directory_url = text_field(
        _l("Directory Service address"),
        300,
        required=True,
        description=_l("e.g. https://api.directory.example.fr/directory-service"),
    )
    token_url = text_field(_l("Token address (OAuth2)"), 300, required=True)
    client_id = text_field(_l("Client id"), 200, required=True)
    client_secret = PasswordField(
        _l("Client secret"), validators=[Optional(), Length(max=500)], filters=[none_if_empty]
    )
    platform_number = StringField(
        _l("Platform number"),
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z0-9]{4}$", message=_l("Four letters or digits, as the platform gave them.")),
        ],
        filters=[none_if_empty],
        description=_l("Its matricule (4 characters): it sends the school's e-reporting files."),
    )
    syntax = SelectField(
        _l("Format sent"),
        choices=options((s.value, SYNTAX_LABELS[s]) for s in INVOICE_SYNTAXES),
        default=Syntax.FACTURX.value,
    )

    def to_input(self) -> ConnectionInput:
        return ConnectionInput(
            flow_url=self.flow_url.data,
            directory_url=self.directory_url.data,
            token_url=self.token_url.data,
            client_id=self.client_id.data,
            client_secret=self.client_secret.data,
            syntax=Syntax(self.syntax.data),
            platform_number=self.platform_number.data,
        )
