"""Language and formatting: French by default, English available, Europe/Paris on screen.

The locale is the signed-in user's choice, else the visitor's session choice, else French.
Filters registered here format money, numbers and dates the French way (``1 234,56 €``,
``26/11/2026``) or the English way, following the locale.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import (  # noqa: F401 - re-exported
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_translations,
    gettext,
    lazy_gettext,
    lazy_ngettext,
    lazy_pgettext,
    ngettext,
)
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

SESSION_KEY = "lang"
SCHOOL_TIMEZONE = ZoneInfo("Europe/Paris")


def local_today() -> date:
    """Today's date where the schools are (French time), whatever the server's zone."""
    return datetime.now(SCHOOL_TIMEZONE).date()


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    user_locale = getattr(current_user, "locale", None)
    if user_locale in languages:
        return user_locale
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def label(text: Any) -> str:
    """A fixed label (a module-level ``lazy_gettext``: states, trades, units…) in the
    current language, translated once per language rather than on every use."""
    key = (_language()[0], id(text))
    translated = _LABELS.get(key)
    if translated is None:
        translated = _LABELS[key] = str(text)
    return translated


_LABELS: dict[tuple[str, int], str] = {}


def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """``1 234,56 €`` (``€1,234.56`` in English): Babel's standard currency format, taken
    from Babel once per language and currency, then filled in (``format_currency`` itself
    costs more than the rest of an invoice row, and lists show dozens)."""
    if amount is None:
        return ""
    locale = _language()[0]
    shape = _money_shape(locale, currency)
    value = Decimal(amount)
    if shape is None or not value.is_finite():
        return babel_numbers.format_currency(value, currency, locale=locale)
    group, decimal, positive, negative = shape
    rounded = abs(value).quantize(_CENT, rounding=ROUND_HALF_EVEN)
    digits = f"{rounded:,.2f}".translate({ord(","): group, ord("."): decimal})
    prefix, suffix = negative if value.is_signed() else positive
    return f"{prefix}{digits}{suffix}"


_CENT = Decimal("0.01")


@functools.lru_cache(maxsize=64)
def _money_shape(locale: str, currency: str) -> tuple[str, str, tuple[str, str], tuple[str, str]] | None:
    """The separators, and what goes before and after the digits of a positive and of a
    negative amount; None when the format is not that simple (then Babel formats it)."""
    group = babel_numbers.get_group_symbol(locale)
    decimal = babel_numbers.get_decimal_symbol(locale)
    digits = f"1{group}234{decimal}56"
    shapes = []
    for sample in (Decimal("1234.56"), Decimal("-1234.56")):
        text = babel_numbers.format_currency(sample, currency, locale=locale)
        if text.count(digits) != 1 or babel_numbers.get_currency_precision(currency) != 2:
            return None
        before, after = text.split(digits)
        shapes.append((before, after))
    return group, decimal, shapes[0], shapes[1]


def number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    # Babel directly, as for dates: boards and totals format dozens of numbers per page,
    # mostly the same few hours (equal values write the same: no trailing zero is shown).
    return _number(value, _language()[0])


@functools.lru_cache(maxsize=8192)
def _number(value: Decimal | int, locale: str) -> str:
    return babel_numbers.format_decimal(value, format="#,##0.###", locale=locale)


def short_date(value: date | datetime | None) -> str:
    """``26/11/2026``, or ``26/11/2026 14:30`` (Paris time) for a moment."""
    if value is None:
        return ""
    # Babel directly: Flask-Babel's wrappers look the locale and timezone up again on every
    # call, which costs more than the rest of a list row.
    locale = _language()[0]
    if isinstance(value, datetime):  # the short format shows minutes: seconds do not matter
        return _short_datetime(value.astimezone(SCHOOL_TIMEZONE).replace(second=0, microsecond=0), locale)
    return _short_date(value, locale)


@functools.lru_cache(maxsize=8192)
def _short_date(value: date, locale: str) -> str:
    """Babel's text, kept: a list shows the same few days many times (and formatting is
    slower than a lookup)."""
    return babel_dates.format_date(value, "short", locale=locale)


@functools.lru_cache(maxsize=8192)
def _short_datetime(value: datetime, locale: str) -> str:
    return babel_dates.format_datetime(value, "short", locale=locale)


def long_date(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "long")


def file_size(size: int | None) -> str:
    """``850 octets``, ``12 Ko``, ``1,2 Mo`` (or bytes, KB, MB in English)."""
    if size is None:
        return ""
    if size < 1024:
        return gettext("%(n)s bytes", n=size)
    if size < 1024 * 1024:
        return gettext("%(n)s KB", n=format_decimal(round(size / 1024)))
    return gettext("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))


def _language() -> tuple[str, Any]:
    """The current language and its translations, looked up once per request rather than at
    each ``_()``, label, date or amount of a page (Flask-Babel walks its context, domain and
    cache each time). Kept beside the locale object they were found for: ``force_locale``
    (e-mails in the customer's language) puts another one in place, and the next call looks
    again."""
    context = _babel_context()
    if context is not None:
        kept = context.get("ecoprod_language")
        if kept is not None and kept[0] is context.get("babel_locale"):
            return kept[1]
    locale = get_locale()  # Flask-Babel's own lookup, which also sets its context up
    language = (str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"], get_translations())
    context = _babel_context()
    if context is not None:
        context["ecoprod_language"] = (locale, language)
    return language


def _babel_context() -> dict[str, Any] | None:
    """The attributes of Flask-Babel's namespace in this application context, once it has
    made one (read as a dict: this runs for every text of a page)."""
    try:
        babel = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # outside an application context
        return None
    return None if babel is None else babel.__dict__


# The translation functions of the templates: Jinja's newstyle gettext (autoescaped, always
# a format string), called directly with the request's translations rather than through
# Jinja's alias and Flask-Babel's lookups (a page has dozens of ``_()``).


def _formatted(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalogue, as Jinja's newstyle gettext does
    return text % variables if "%" in text else text  # without a "%", formatting changes nothing


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    return _formatted(eval_ctx, _language()[1].ugettext(string), variables)


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _language()[1].ungettext(singular, plural, num), variables)


@pass_eval_context
def template_pgettext(eval_ctx: EvalContext, context: str, string: str, **variables: Any) -> str:
    variables.setdefault("context", context)
    return _formatted(eval_ctx, _language()[1].upgettext(context, string), variables)


@pass_eval_context
def template_npgettext(
    eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _language()[1].unpgettext(context, singular, plural, num), variables)


def register_filters(app: Flask) -> None:
    functions = {
        "gettext": template_gettext,
        "ngettext": template_ngettext,
        "pgettext": template_pgettext,
        "npgettext": template_npgettext,
    }
    app.jinja_env.install_gettext_callables(**functions, newstyle=True)  # sets {% trans %} up
    app.jinja_env.globals.update(functions, _=template_gettext)  # then called directly
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["date"] = short_date
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.globals["now_date"] = local_today
    app.jinja_env.globals["get_locale"] = get_locale
