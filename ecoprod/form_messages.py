"""WTForms' built-in messages, marked here so that ``make messages`` puts them in our
catalogue. WTForms looks them up through ``ecoprod.forms.BaseForm``'s translations."""

from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import lazy_ngettext as _nl

MESSAGES = (
    _l("This field is required."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid decimal value."),
    _l("Not a valid integer value."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid Choice: could not coerce."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _nl(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1
    ),
    _nl(
        "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1
    ),
    _nl(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
)
