"""Numbers, pesos and percentages written one way, in the reader's language (Babel).

es-MX and English both group thousands with a comma and write the decimal point as a point:
"3,000", "$1,250,000", "31.5%". Templates use the filters `number`, `money` and `percent`
(registered by participa.web); Python that builds text for a page or a chart calls these
functions. A value that is missing (None) is written "—".
"""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import format_decimal, format_percent, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

MISSING = "—"
CENT = Decimal("0.01")


def number(value, decimals: int = 2) -> str:
    """A count or a quantity: "3,000", "1,234.5" (at most `decimals` decimals)."""
    if value is None:
        return MISSING
    if not isinstance(value, int | float | Decimal):
        value = float(value)  # a Fraction
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return format_decimal(value, pattern)


def money(value) -> str:
    """Pesos: "$1,250,000", with cents only when there are some ("$1,250,000.50")."""
    if value is None:
        return MISSING
    exact = value if isinstance(value, int | Decimal) else float(value)  # Fraction: a float
    amount = Decimal(str(exact)).quantize(CENT, ROUND_HALF_UP)
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    sign = "-" if amount < 0 else ""
    return f"{sign}${format_decimal(abs(amount), pattern)}"


def money_cents(cents: int | None) -> str:
    """Pesos from a whole number of cents (council expenses): "$1,250.50", "$300"."""
    return MISSING if cents is None else money(Decimal(cents) / 100)


def percent(value, of: int = 1) -> str:
    """A share as a percentage with at most one decimal: "31.5%", "55%".

    `value` is a fraction of 1, or of `of` (`progress|percent(100)` for 0-100 points).
    """
    if value is None:
        return MISSING
    return format_percent(float(value) / of, "#,##0.#%")


def separators() -> str:
    """Plotly's `separators` (decimal mark, then thousands) of the reader's language: ".," in
    es-MX and English. Plotly's own "es" locale would write Spain's "12 400,5"."""
    locale = get_locale()
    return get_decimal_symbol(locale) + get_group_symbol(locale)


@pass_context
def template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    """Jinja's `ngettext` (newstyle, as Flask-Babel installs it) with `%(num)s` written as a
    number: "3,000 personas votaron", not "3000"."""
    variables.setdefault("num", number(num))
    # "%(num)d" would refuse the written number: it is written as text like any "%(num)s".
    text = get_translations().ungettext(singular, plural, num).replace("%(num)d", "%(num)s")
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables
